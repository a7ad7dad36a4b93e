#!/usr/bin/env bash
# Side by side: `apt-ostree deb extract` (Release) vs `dpkg-deb -x` on the same large multi-block xz .deb,
# alternating runs in one session. Prints wall times, the ratio of medians and our peak RSS.
# Usage: eng/bench/deb-extract-vs-dpkg.sh [package] [runs]   (default: firefox-esr, 3 runs)
# Env: APTOSTREE_CLI=path to a built apt-ostree (skips the build); APTOSTREE_XZ_THREADS=N (xz decoder threads).
set -euo pipefail
package=${1:-firefox-esr}
runs=${2:-3}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/deb-extract-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cache=${APTOSTREE_TEST_DEB_CACHE:-/tmp/aptostree-test-cache/debs}
mkdir -p "$cache"
deb=$(ls "$cache/${package}"_*.deb 2>/dev/null | head -1 || true)
if [[ -z "$deb" ]]; then
  (cd "$cache" && apt-get download -q "$package" >/dev/null)
  deb=$(ls "$cache/${package}"_*.deb | head -1)
fi
cli=${APTOSTREE_CLI:-}
if [[ -z "$cli" ]]; then
  dotnet build -c Release "$repo/samples/AptOstree.Cli" --artifacts-path "$work/art" -v q -nologo >/dev/null
  cli="$work/art/bin/AptOstree.Cli/release/apt-ostree"
fi
echo "package: $(basename "$deb") ($(stat -c %s "$deb") bytes)"
echo "machine: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
ours=(); theirs=(); rss=()
for i in $(seq 1 "$runs"); do
  rm -rf "$work/o" "$work/d"; mkdir "$work/d"; sync
  /usr/bin/time -f '%e %M' -o "$work/t" "$cli" deb extract "$deb" "$work/o"
  read -r secs kb < "$work/t"; ours+=("$secs"); rss+=("$kb")
  rm -rf "$work/o"; sync
  /usr/bin/time -f '%e %M' -o "$work/t" dpkg-deb -x "$deb" "$work/d"
  read -r secs _ < "$work/t"; theirs+=("$secs")
  echo "run $i: apt-ostree ${ours[-1]} s (peak RSS $((rss[-1] / 1024)) MiB), dpkg-deb -x ${theirs[-1]} s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mo=$(median "${ours[@]}"); mt=$(median "${theirs[@]}"); mr=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
echo "median: apt-ostree $mo s, dpkg-deb -x $mt s, ratio $(awk -v a="$mo" -v b="$mt" 'BEGIN {printf "%.2f", a/b}'), our peak RSS $((mr / 1024)) MiB"
