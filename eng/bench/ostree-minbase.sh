#!/usr/bin/env bash
# Builds the Debian minbase benchmark tree once (mmdebstrap --variant=minbase, /dev nodes removed) into
# ${MINBASE:-/tmp/aptostree-minbase}. The mirror is taken from the host's apt sources.
set -euo pipefail
out=${MINBASE:-/tmp/aptostree-minbase}
if [[ -d "$out/usr" ]]; then echo "$out"; exit 0; fi
mirror=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | awk '{print $2}')
if [[ -z "$mirror" ]]; then
  mirror=$(grep -h '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -1 | awk '{print $2}')
fi
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
tmp="$out.tmp"
rm -rf "$tmp"
mmdebstrap --variant=minbase --mode=root "$suite" "$tmp" "$mirror" >&2
# OSTree cannot store device nodes, fifos or sockets.
find "$tmp/dev" -mindepth 1 -delete
find "$tmp" -xdev \( -type b -o -type c -o -type p -o -type s \) -delete
mv "$tmp" "$out"
echo "$out"
