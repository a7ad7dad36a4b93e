#!/usr/bin/env bash
# Side by side: `apt-ostree deb extract` (Release) vs `dpkg-deb -x` on the same large multi-block xz .deb,
# alternating runs in one session (the .deb is read once first so both find it in the page cache; each run
# writes into a fresh directory after a sync). Prints wall, user and system CPU times, peak RSS, the ratio
# of medians and of best runs.
# Usage: eng/bench/deb-extract-vs-dpkg.sh [package] [runs]   (default: firefox-esr, 3 runs)
# Env: APTOSTREE_CLI=path to a built apt-ostree (default: artifacts/cli/apt-ostree from eng/build.sh, else a build); APTOSTREE_XZ_THREADS=N (xz decoder threads);
#      APTOSTREE_XZ_READAHEAD_MIB=N (decoded bytes the parallel xz decoder may hold ahead of the reader).
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
# The CLI as shipped by eng/build.sh (Native AOT) when it is there; otherwise a Release build made here.
[[ -z "$cli" && -x "$repo/artifacts/cli/apt-ostree" ]] && cli="$repo/artifacts/cli/apt-ostree"
if [[ -z "$cli" ]]; then
  dotnet build -c Release "$repo/samples/AptOstree.Cli" --artifacts-path "$work/art" -v q -nologo >/dev/null
  cli="$work/art/bin/AptOstree.Cli/release/apt-ostree"
fi
echo "package: $(basename "$deb") ($(stat -c %s "$deb") bytes)"
echo "machine: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$deb" > /dev/null
ours=(); theirs=(); rss=()
for i in $(seq 1 "$runs"); do
  rm -rf "$work/o" "$work/d"; mkdir "$work/d"; sync
  /usr/bin/time -f '%e %M %U %S' -o "$work/t" "$cli" deb extract "$deb" "$work/o"
  read -r secs kb user sys < "$work/t"; ours+=("$secs"); rss+=("$kb"); ocpu="user $user s, sys $sys s"
  rm -rf "$work/o"; sync
  /usr/bin/time -f '%e %M %U %S' -o "$work/t" dpkg-deb -x "$deb" "$work/d"
  read -r secs tkb user sys < "$work/t"; theirs+=("$secs")
  echo "run $i: apt-ostree ${ours[-1]} s ($ocpu, peak RSS $((rss[-1] / 1024)) MiB), dpkg-deb -x ${theirs[-1]} s (user $user s, sys $sys s, peak RSS $((tkb / 1024)) MiB), load $(cut -d' ' -f1 /proc/loadavg)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mo=$(median "${ours[@]}"); mt=$(median "${theirs[@]}"); mr=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
bo=$(printf '%s\n' "${ours[@]}" | sort -g | head -1); bt=$(printf '%s\n' "${theirs[@]}" | sort -g | head -1)
echo "median: apt-ostree $mo s, dpkg-deb -x $mt s, ratio $(awk -v a="$mo" -v b="$mt" 'BEGIN {printf "%.2f", a/b}'), our peak RSS $((mr / 1024)) MiB"
echo "best:   apt-ostree $bo s, dpkg-deb -x $bt s, ratio $(awk -v a="$bo" -v b="$bt" 'BEGIN {printf "%.2f", a/b}')"
