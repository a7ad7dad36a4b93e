#!/usr/bin/env bash
# Compose a bookworm minbase with apt-ostree and with mmdebstrap + ostree commit, side by side (run as root, after
# bash eng/build.sh and apt-get update). Prints wall-clock seconds and peak RSS of each step:
#   cold     apt-ostree compose into a fresh repository, .debs already downloaded (imports, configure, commit)
#   nochange the same compose again (input hash equal: nothing committed, exit 77)
#   plus1    the same treefile plus one small package (hello): only it is imported
#   mmdeb    mmdebstrap --variant=minbase (no /dev nodes: OSTree cannot hold them) + ostree commit, offline from the same
#            inputs: the host's package lists (--skip=update) and the same .debs put in its apt archive cache
set -euo pipefail
cd "$(dirname "$0")/../.."
A=${A:-artifacts/cli/apt-ostree}
W=$(mktemp -d /tmp/compose-bench.XXXXXX)
CACHE=${CACHE:-/tmp/aptostree-bench-cache}
trap 'rm -rf "$W"' EXIT
tf=samples/treefiles/debian-12-minbase.yaml
printf 'ref: bench/plus1\ninclude: %s\npackages: [hello]\n' "$PWD/$tf" > "$W/plus1.yaml"
measure() { # NAME CMD...
  local name=$1; shift
  local rc=0
  /usr/bin/time -f "%e %M" -o "$W/t" "$@" > "$W/$name.log" 2>&1 || rc=$?
  read -r secs kb < <(tail -n 1 "$W/t")
  printf '%-9s %8.2f s  peak %6d MiB  exit %d\n' "$name" "$secs" $((kb / 1024)) "$rc"
}
# Warm the .deb cache first (not measured): the comparison is from downloaded packages.
"$A" compose tree "$tf" --repo="$W/warm" --cachedir="$CACHE" --download-only > /dev/null
"$A" compose tree "$W/plus1.yaml" --repo="$W/warm" --cachedir="$CACHE" --download-only > /dev/null
measure cold "$A" compose tree "$tf" --repo="$W/repo" --cachedir="$CACHE"
measure nochange "$A" compose tree "$tf" --repo="$W/repo" --cachedir="$CACHE"
measure plus1 "$A" compose tree "$W/plus1.yaml" --repo="$W/repo" --cachedir="$CACHE"
ostree init --repo="$W/mrepo" --mode=bare
cat > "$W/mm.sh" <<'MM'
set -e
mmdebstrap --quiet --variant=minbase --skip=update --setup-hook="mkdir -p \"\$1\"/var/lib/apt/lists \"\$1\"/var/cache/apt/archives
  cp -a /var/lib/apt/lists/. \"\$1\"/var/lib/apt/lists/; rm -f \"\$1\"/var/lib/apt/lists/lock
  cp $2/debs/*.deb \"\$1\"/var/cache/apt/archives/" bookworm "$1/mroot" /etc/apt/sources.list.d/debian.sources
rm -rf "$1"/mroot/dev/*
ostree commit --repo="$1/mrepo" -b bench/mm --tree=dir="$1/mroot" > /dev/null
MM
measure mmdeb sh "$W/mm.sh" "$W" "$CACHE"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) MiB, $(. /etc/os-release; echo "$PRETTY_NAME"), $(date -u +%F)"
