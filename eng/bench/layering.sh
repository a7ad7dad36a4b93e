#!/usr/bin/env bash
# Layering timings on a small test sysroot (not minbase): install of a local .deb, the 21st layered package vs the
# first, and `status --json` with three deployments. Usage: eng/bench/layering.sh [CLI] (default artifacts/cli/apt-ostree).
# Needs root (ostree admin on a bare repository), ostree and dpkg-deb.
set -euo pipefail
A=${1:-${A:-artifacts/cli/apt-ostree}}
W=$(mktemp -d /tmp/aptostree-bench-layering.XXXXXX)
trap 'rm -rf "$W"' EXIT
export OSTREE_SYSROOT_DEBUG=mutable-deployments
mkdir -p "$W/sr" "$W/t/usr/lib/modules/5.10.0" "$W/t/usr/etc" "$W/t/usr/share/dpkg/database/info"
echo kernel > "$W/t/usr/lib/modules/5.10.0/vmlinuz"
echo 'ID=debian' > "$W/t/usr/lib/os-release"
cp /var/lib/dpkg/status "$W/t/usr/share/dpkg/database/status"
ostree admin init-fs --modern "$W/sr" >/dev/null
ostree admin os-init --sysroot="$W/sr" debian >/dev/null
ostree commit --repo="$W/sr/ostree/repo" -b bench/base --tree=dir="$W/t" >/dev/null
ostree admin deploy --sysroot="$W/sr" --os=debian bench/base >/dev/null
deb() { # NAME: a package with 200 small files
  local d="$W/pkg-$1"; mkdir -p "$d/DEBIAN" "$d/usr/share/$1"
  printf 'Package: %s\nVersion: 1.0\nArchitecture: all\nMaintainer: b <b@example.invalid>\nDescription: bench\n' "$1" > "$d/DEBIAN/control"
  for i in $(seq 1 200); do echo "$1 $i" > "$d/usr/share/$1/f$i"; done
  dpkg-deb -b --root-owner-group "$d" "$W/$1.deb" >/dev/null
}
for i in $(seq 1 21); do deb "bench$i"; done
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
echo "install 1st package:  $(t "$A" install --sysroot="$W/sr" "$W/bench1.deb") s"
for i in $(seq 2 20); do "$A" install --sysroot="$W/sr" "$W/bench$i.deb" >/dev/null; done
echo "install 21st package: $(t "$A" install --sysroot="$W/sr" "$W/bench21.deb") s"
ostree admin deploy --sysroot="$W/sr" --os=debian --retain bench/base >/dev/null
echo "deployments: $(ostree admin status --sysroot="$W/sr" | grep -c '^[ *] debian')"
echo "status --json:        $(t "$A" status --json --sysroot="$W/sr") s"
