#!/usr/bin/env bash
# Side-by-side timing of apt-ostree's solver against APT on the host's indexes (not a test; prints a table).
#   eng/bench/solver-vs-apt.sh [package]        (default: task-gnome-desktop)
# Needs: apt-get, /usr/lib/apt/solvers/apt (apt-utils), dose-debcheck, installcheck (libsolv-tools), a built CLI
# (APT_OSTREE_CLI=path/to/apt-ostree.dll, default: the newest one under samples/ or artifacts/).
set -euo pipefail
cd "$(dirname "$0")/../.."
pkg=${1:-task-gnome-desktop}
cli=${APT_OSTREE_CLI:-$(find samples/AptOstree.Cli/bin artifacts /tmp/art-* -name apt-ostree.dll -printf '%T@ %p\n' 2>/dev/null | sort -rn | head -1 | cut -d' ' -f2)}
[[ -n "$cli" ]] || { echo "build samples/AptOstree.Cli first or set APT_OSTREE_CLI" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
: > "$work/status"
t() { /usr/bin/time -f '%e s wall, %U s user, %M KB max RSS' "$@"; }

echo "== EDSP scenario: $pkg from an empty status"
APT_EDSP_DUMP_FILENAME="$work/scenario.edsp" apt-get -s -q --solver dump -o Dir::State::status="$work/status" \
  -o Debug::NoLocking=1 -o APT::Solver::RunAsUser=root install "$pkg" >/dev/null 2>&1 || true
ls -l "$work/scenario.edsp"
echo "-- apt classic (/usr/lib/apt/solvers/apt):"
t /usr/lib/apt/solvers/apt < "$work/scenario.edsp" > "$work/apt.answer"
echo "   $(grep -c '^Install:' "$work/apt.answer") installs"
echo "-- apt-ostree apt edsp:"
t dotnet "$cli" apt edsp < "$work/scenario.edsp" > "$work/ours.answer"
echo "   $(grep -c '^Install:' "$work/ours.answer") installs"

echo "== End to end from the host lists"
echo "-- apt-get -s -o Dir::State::status=/dev/null install $pkg:"
t apt-get -s -q -o Dir::State::status=/dev/null -o Debug::NoLocking=1 install "$pkg" > "$work/apt.sim" 2> "$work/apt.err" || true
tail -1 "$work/apt.err"
echo "   $(grep -c '^Inst ' "$work/apt.sim") installs"
echo "-- apt-ostree apt resolve --status none install $pkg:"
t dotnet "$cli" apt resolve --status none install "$pkg" | tail -1

echo "== Whole-archive installability (bookworm main)"
idx=$(ls /var/lib/apt/lists/*_dists_bookworm_main_binary-*_Packages* | head -1)
lz4 -dc "$idx" > "$work/Packages" 2>/dev/null || cp "$idx" "$work/Packages"
echo "-- libsolv installcheck:"; t installcheck "$(dpkg --print-architecture)" "$work/Packages" | grep -c "can't install" || true
echo "-- dose-debcheck:"; t dose-debcheck --deb-native-arch="$(dpkg --print-architecture)" --summary "$work/Packages" | grep -i broken || true
mkdir -p "$work/lists" && cp "$idx" "$work/lists/" && cp /var/lib/apt/lists/*_dists_bookworm_InRelease "$work/lists/" 2>/dev/null || true
echo "-- apt-ostree apt check:"; t dotnet "$cli" apt check --lists "$work/lists" --status none | tail -1
