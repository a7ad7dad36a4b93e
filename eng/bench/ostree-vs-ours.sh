#!/usr/bin/env bash
# Side-by-side timings: libostree's `ostree` vs `apt-ostree ostree` on a Debian minbase tree.
# Same fsync policy on both sides (core.fsync=false in every repository). Prints a Markdown table.
# Usage: eng/bench/ostree-vs-ours.sh [runs]   (env: MINBASE, APT_OSTREE = path of the apt-ostree binary)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-3}
tree=$("$here/eng/bench/ostree-minbase.sh")
ours=${APT_OSTREE:-}
if [[ -z "$ours" ]]; then
  dotnet build "$here/samples/AptOstree.Cli" -c Release --artifacts-path /tmp/aptostree-bench-art >&2
  ours=/tmp/aptostree-bench-art/bin/AptOstree.Cli/release/apt-ostree
fi
work=$(mktemp -d /tmp/aptostree-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
files=$(find "$tree" -xdev | wc -l); size=$(du -sm "$tree" | cut -f1)

now() { date +%s.%N; }
# time_cmd LABEL CMD... : best (minimum) wall time of $runs runs; SETUP is re-run before each.
best() {
  local setup=$1; shift
  local min=
  for _ in $(seq "$runs"); do
    eval "$setup"
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
    local t0; t0=$(now); "$@" >/dev/null; local t1; t1=$(now)
    local dt; dt=$(echo "$t1 - $t0" | bc)
    if [[ -z "$min" ]] || (( $(echo "$dt < $min" | bc) )); then min=$dt; fi
  done
  printf '%.2f' "$min"
}
init() { # tool mode path
  rm -rf "$3"
  if [[ $1 == ostree ]]; then ostree --repo="$3" init --mode="$2"; else "$ours" ostree init --repo="$3" --mode="$2"; fi
  ostree --repo="$3" config set core.fsync false
}

printf '| operation | ostree 2022.7 (s) | apt-ostree (s) | ratio |\n|---|---|---|---|\n'
row() { printf '| %s | %s | %s | %.2f× |\n' "$1" "$2" "$3" "$(echo "$3 / $2" | bc -l)"; }

a=$(best "init ostree bare-user $work/r1" ostree --repo="$work/r1" commit -b t --tree=dir="$tree")
b=$(best "init ours bare-user $work/r2" "$ours" ostree commit --repo="$work/r2" -b t --tree=dir="$tree")
row "commit into bare-user" "$a" "$b"

a=$(best "init ostree archive $work/r3" ostree --repo="$work/r3" commit -b t --tree=dir="$tree")
b=$(best "init ours archive $work/r4" "$ours" ostree commit --repo="$work/r4" -b t --tree=dir="$tree")
row "commit into archive" "$a" "$b"

a=$(best "rm -rf $work/co1" ostree --repo="$work/r1" checkout -U -H t "$work/co1")
b=$(best "rm -rf $work/co2" "$ours" ostree checkout --repo="$work/r1" -U -H t "$work/co2")
row "hardlink checkout -U -H (bare-user)" "$a" "$b"

init ostree bare "$work/r5" && ostree --repo="$work/r5" commit -b t --tree=dir="$tree" >/dev/null
a=$(best "rm -rf $work/co3" ostree --repo="$work/r5" checkout -H t "$work/co3")
b=$(best "rm -rf $work/co4" "$ours" ostree checkout --repo="$work/r5" -H t "$work/co4")
row "hardlink checkout -H (bare)" "$a" "$b"
echo
echo "Tree: $tree ($files entries, $size MB); best of $runs runs; $(nproc) CPUs; $(uname -r); $(date -u +%F)"
