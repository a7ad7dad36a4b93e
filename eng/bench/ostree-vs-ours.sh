#!/usr/bin/env bash
# Side-by-side timings: libostree's `ostree` vs `apt-ostree ostree` on a Debian minbase tree.
# Same fsync policy on both sides (core.fsync=false in every repository). The two tools run alternately in one
# loop (ostree, ours, ostree, ours, ...) so load from other processes hits both alike; the best wall time is
# reported with the user+sys CPU seconds of that run, and the median wall times. Checkouts are timed with a cold
# page cache (dropped before each run) and with a warm one, each into a new directory as a deployment is made.
# A third row times a warm checkout right after `rm -rf` of the previous one: on ext4 without a journal the kernel
# then steps over every inode freed in the last 60 s (360 s while its inode-table block is dirty) one by one for
# each new directory and symlink (find_inode_bit -> recently_deleted), a cost both tools share that grows with the
# square of the tree size. Prints a Markdown table.
# Usage: eng/bench/ostree-vs-ours.sh [runs]
#   env: MINBASE (tree), APT_OSTREE (path of an apt-ostree executable or .dll to time instead of publishing one),
#        PUBLISH=aot|r2r (default aot: Native AOT, falling back to ReadyToRun if the AOT toolchain is missing),
#        CHECKOUT_ONLY=1 (skip the commit rows; the bare-user repository is then committed by ostree, untimed)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-3}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
tree=$("$here/eng/bench/ostree-minbase.sh")
ours=${APT_OSTREE:-}
flavour=custom
if [[ -z "$ours" ]]; then
  publish=${PUBLISH:-aot}
  out=/tmp/aptostree-bench-$publish
  if [[ $publish == aot ]] && dotnet publish "$here/samples/AptOstree.Cli" -c Release -r linux-x64 -p:PublishAot=true \
      -p:CppCompilerAndLinker="$(command -v clang >/dev/null && echo clang || echo gcc)" \
      --artifacts-path /tmp/aptostree-bench-art-aot -o "$out" >&2; then
    ours=$out/apt-ostree; flavour="Native AOT"
  else
    out=/tmp/aptostree-bench-r2r
    dotnet publish "$here/samples/AptOstree.Cli" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
      --artifacts-path /tmp/aptostree-bench-art-r2r -o "$out" >&2
    ours=$out/apt-ostree; flavour="ReadyToRun"
  fi
fi
if [[ $ours == *.dll ]]; then ours_cmd=(dotnet "$ours"); else ours_cmd=("$ours"); fi
work=$(mktemp -d /tmp/aptostree-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
files=$(find "$tree" -xdev | wc -l); size=$(du -sm "$tree" | cut -f1)

drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true; }
# timed OUTVAR CMD... : runs CMD once, appends "wall user sys" to the file named by OUTVAR.
timed() {
  local out=$1; shift
  /usr/bin/time -f '%e %U %S' -o "$work/t" "$@" >/dev/null
  cat "$work/t" >> "$out"
}
# pair COLD SETUP_A 'CMD_A' SETUP_B 'CMD_B' : alternates A and B $runs times; prints "a_wall a_cpu b_wall b_cpu" of the
# best runs, then the median wall times "a_median b_median".
pair() {
  local cold=$1 setup_a=$2 cmd_a=$3 setup_b=$4 cmd_b=$5
  : > "$work/a"; : > "$work/b"
  for i in $(seq "$runs"); do
    export i
    eval "$setup_a"; [[ $cold == cold ]] && drop_caches; timed "$work/a" bash -c "$cmd_a"
    eval "$setup_b"; [[ $cold == cold ]] && drop_caches; timed "$work/b" bash -c "$cmd_b"
  done
  local a b
  a=$(sort -n "$work/a" | head -1); b=$(sort -n "$work/b" | head -1)
  echo "$(awk '{printf "%.2f %.2f", $1, $2 + $3}' <<<"$a") $(awk '{printf "%.2f %.2f", $1, $2 + $3}' <<<"$b") $(median "$work/a") $(median "$work/b")"
}
median() { sort -n "$1" | awk '{w[NR] = $1} END {printf "%.2f", NR % 2 ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2}'; }
init() { # tool mode path
  rm -rf "$3"
  if [[ $1 == ostree ]]; then ostree --repo="$3" init --mode="$2"; else "${ours_cmd[@]}" ostree init --repo="$3" --mode="$2"; fi
  ostree --repo="$3" config set core.fsync false
}
row() { # label cache "a_wall a_cpu b_wall b_cpu a_median b_median"
  read -r aw ac bw bc am bm <<<"$3"
  printf '| %s | %s | %s (%s) | %s (%s) | %.2f× | %s / %s | %.2f× |\n' "$1" "$2" "$aw" "$ac" "$bw" "$bc" "$(echo "$bw / $aw" | bc -l)" \
    "$am" "$bm" "$(echo "$bm / $am" | bc -l)"
}
o="${ours_cmd[*]}"

printf '| operation | cache | ostree 2022.7 s (CPU s) | apt-ostree s (CPU s) | ratio | median s (ostree / ours) | median ratio |\n|---|---|---|---|---|---|---|\n'
if [[ ${CHECKOUT_ONLY:-} == 1 ]]; then
  init ostree bare-user "$work/r1" && ostree --repo="$work/r1" commit -b t --tree=dir="$tree" >/dev/null
else
  row "commit into bare-user" cold "$(pair cold "init ostree bare-user $work/r1" "ostree --repo=$work/r1 commit -b t --tree=dir=$tree" \
    "init ours bare-user $work/r2" "$o ostree commit --repo=$work/r2 -b t --tree=dir=$tree")"
  row "commit into archive" cold "$(pair cold "init ostree archive $work/r3" "ostree --repo=$work/r3 commit -b t --tree=dir=$tree" \
    "init ours archive $work/r4" "$o ostree commit --repo=$work/r4 -b t --tree=dir=$tree")"
fi
init ostree bare "$work/r5" && ostree --repo="$work/r5" commit -b t --tree=dir="$tree" >/dev/null
# $i (the run number, exported by pair) names a new destination per run; the "warm, after rm -rf" rows reuse one.
for cache in cold warm; do
  row "hardlink checkout -U -H (bare-user)" $cache "$(pair $cache : "ostree --repo=$work/r1 checkout -U -H t $work/co1.$cache.\$i" \
    : "$o ostree checkout --repo=$work/r1 -U -H t $work/co2.$cache.\$i")"
  row "hardlink checkout -H (bare)" $cache "$(pair $cache : "ostree --repo=$work/r5 checkout -H t $work/co3.$cache.\$i" \
    : "$o ostree checkout --repo=$work/r5 -H t $work/co4.$cache.\$i")"
done
row "hardlink checkout -U -H (bare-user)" "warm, after rm -rf" "$(pair warm "rm -rf $work/co1" "ostree --repo=$work/r1 checkout -U -H t $work/co1" \
  "rm -rf $work/co2" "$o ostree checkout --repo=$work/r1 -U -H t $work/co2")"
row "hardlink checkout -H (bare)" "warm, after rm -rf" "$(pair warm "rm -rf $work/co3" "ostree --repo=$work/r5 checkout -H t $work/co3" \
  "rm -rf $work/co4" "$o ostree checkout --repo=$work/r5 -H t $work/co4")"
# Pull and fsck: from an archive repository written by ostree, into a new bare-user repository of each tool; over HTTP
# from a python http.server on 127.0.0.1 (HTTP/1.0: one connection per object on both sides, no summary), and locally with
# --untrusted (both re-hash every object; without it ostree may skip the check). fsck reads the bare-user repository.
init ostree archive "$work/ra" && ostree --repo="$work/ra" commit -b t --tree=dir="$tree" >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# http.server's listen backlog of 5 drops connections when 8 requests are in flight (both tools keep 8), and each
# dropped SYN costs a 1 s retransmit: a backlog of 256 measures the pullers, not the retransmits.
python3 - "$work/ra" "$port" >/dev/null 2>&1 <<'PY' &
import functools, http.server, sys
class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args): pass
class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 256
Server(("127.0.0.1", int(sys.argv[2])), functools.partial(Handler, directory=sys.argv[1])).serve_forever()
PY
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/config" >/dev/null && break; sleep 0.1; done
remote() { init "$1" bare-user "$2" && ostree --repo="$2" remote add --no-gpg-verify o "http://127.0.0.1:$port/"; }
row "pull over HTTP (archive → bare-user)" warm "$(pair warm "remote ostree $work/p1" "ostree --repo=$work/p1 pull o t" \
  "remote ours $work/p2" "$o ostree pull --repo=$work/p2 o t")"
row "pull-local --untrusted (archive → bare-user)" warm "$(pair warm "init ostree bare-user $work/p3" "ostree --repo=$work/p3 pull-local --untrusted $work/ra t" \
  "init ours bare-user $work/p4" "$o ostree pull-local --repo=$work/p4 --untrusted $work/ra t")"
row "fsck (bare-user)" warm "$(pair warm : "ostree --repo=$work/r1 fsck" : "$o ostree fsck --repo=$work/r1")"
echo
echo "Tree: $tree ($files entries, $size MB); best of $runs alternating runs; apt-ostree: $flavour ($ours);" \
  "$(nproc) CPUs; $(uname -r); $(date -u +%F); load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
