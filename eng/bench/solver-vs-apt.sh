#!/usr/bin/env bash
# Side-by-side timing of apt-ostree's solver against APT on the host's indexes (not a test; prints a table).
#   eng/bench/solver-vs-apt.sh [package]        (default: task-gnome-desktop)
# Needs: apt-get, /usr/lib/apt/solvers/apt (apt-utils), dose-debcheck, installcheck (libsolv-tools), lz4, and the CLI:
# APT_OSTREE_CLI=path/to/apt-ostree.dll or a Native AOT apt-ostree executable, or (default) a ReadyToRun publish of samples/AptOstree.Cli made here, as
# users would ship it. ROUNDS=n repeats every pair (ours and the reference alternately); the figures are
# wall / user / sys seconds and max RSS, and the ratio is ours / reference in user+sys CPU time.
set -euo pipefail
cd "$(dirname "$0")/../.."
pkg=${1:-task-gnome-desktop}
rounds=${ROUNDS:-1}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cli=${APT_OSTREE_CLI:-}
if [[ -z "$cli" ]]; then
  echo "== publishing the CLI (Release, ReadyToRun) to $work/cli"
  dotnet publish samples/AptOstree.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    --artifacts-path "$work/artifacts" -o "$work/cli" >"$work/publish.log" 2>&1 || { tail -20 "$work/publish.log" >&2; exit 1; }
  cli="$work/cli/apt-ostree.dll"
fi
if [[ $cli == *.dll ]]; then ours=(dotnet "$cli"); else ours=("$cli"); fi   # a .dll (JIT/ReadyToRun) or a native AOT executable
echo "CLI: $cli   date: $(date -u '+%F %T UTC')   load: $(cut -d' ' -f1-3 /proc/loadavg)   cores: $(nproc)"

# t LABEL CMD... < stdin: runs CMD, keeps its stdout in $work/LABEL.out, prints and records the measurement.
t() {
  local label=$1; shift
  /usr/bin/time -o "$work/$label.time" -f '%e %U %S %M' "$@" > "$work/$label.out" 2>"$work/$label.err" || true
  read -r wall user sys rss < <(tail -1 "$work/$label.time")
  printf '   %-28s %7s s wall %6s s user %5s s sys %7s KB max RSS\n' "$label" "$wall" "$user" "$sys" "$rss"
  echo "$user $sys" > "$work/$label.cpu"
}
ratio() { awk -v a="$(cat "$work/$1.cpu")" -v b="$(cat "$work/$2.cpu")" 'BEGIN { split(a, x, " "); split(b, y, " ");
  printf "   ratio %s / %s (user+sys CPU): %.3f\n", ARGV[1], ARGV[2], (x[1] + x[2]) / (y[1] + y[2]) }' "$1" "$2"; }

: > "$work/status"
APT_EDSP_DUMP_FILENAME="$work/scenario.edsp" apt-get -s -q --solver dump -o Dir::State::status="$work/status" \
  -o Debug::NoLocking=1 -o APT::Solver::RunAsUser=root install "$pkg" >/dev/null 2>&1 || true
idx=$(ls /var/lib/apt/lists/*_dists_bookworm_main_binary-*_Packages* | head -1)
lz4 -dc "$idx" > "$work/Packages" 2>/dev/null || cp "$idx" "$work/Packages"
mkdir -p "$work/lists" && cp "$idx" "$work/lists/" && cp /var/lib/apt/lists/*_dists_bookworm_InRelease "$work/lists/" 2>/dev/null || true
arch=$(dpkg --print-architecture)

for round in $(seq 1 "$rounds"); do
  echo "== round $round: EDSP scenario $pkg from an empty status ($(stat -c %s "$work/scenario.edsp") bytes)"
  t apt-edsp /usr/lib/apt/solvers/apt < "$work/scenario.edsp"
  t ours-edsp "${ours[@]}" apt edsp < "$work/scenario.edsp"
  echo "   installs: apt $(grep -c '^Install:' "$work/apt-edsp.out"), ours $(grep -c '^Install:' "$work/ours-edsp.out"); same set: $(
    diff -q <(grep '^Install:' "$work/apt-edsp.out" | sort) <(grep '^Install:' "$work/ours-edsp.out" | sort) >/dev/null && echo yes || echo NO)"
  ratio ours-edsp apt-edsp

  echo "== round $round: end to end install $pkg from the host lists, empty status"
  t apt-get-s apt-get -s -q -o Dir::State::status=/dev/null -o Debug::NoLocking=1 install "$pkg"
  t ours-resolve "${ours[@]}" apt resolve --status none install "$pkg"
  echo "   installs: apt-get $(grep -c '^Inst ' "$work/apt-get-s.out"); ours: $(tail -1 "$work/ours-resolve.out")"
  ratio ours-resolve apt-get-s

  echo "== round $round: whole-archive installability, bookworm main"
  t installcheck installcheck "$arch" "$work/Packages"
  t ours-check "${ours[@]}" apt check --lists "$work/lists" --status none
  echo "   broken: installcheck $(grep -c "can't install" "$work/installcheck.out" || true); ours: $(tail -1 "$work/ours-check.out")"
  ratio ours-check installcheck
  if [[ $round == 1 && -z "${SKIP_DOSE:-}" ]]; then
    t dose-debcheck dose-debcheck --deb-native-arch="$arch" --summary "$work/Packages"
    echo "   dose: $(grep -i 'broken' "$work/dose-debcheck.out" | head -1)"
    ratio ours-check dose-debcheck
  fi
done
