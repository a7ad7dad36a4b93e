#!/usr/bin/env bash
# The product end to end, the last step of eng/build.sh: compose a bootable Debian 12
# (samples/treefiles/debian-12-bootable.yaml: minbase, systemd, the kernel and a dracut initramfs) from the host's apt
# sources into ./demo/repo, deploy the commit into the sysroot ./demo/sysroot and print its status, with the time of
# each step. Run `apt-get update` with bookworm sources first. Rootless: as a normal user the repositories are
# bare-user (owners and modes kept in xattrs) and the maintainer scripts run in a bubblewrap user namespace (the user
# needs a /etc/subuid range); as root they are bare. A rerun with unchanged inputs commits nothing (the compose exits
# 77) and deploys the same commit again. A=PATH runs another apt-ostree build.
set -euo pipefail
cd "$(dirname "$0")/.."
cli=${A:-artifacts/cli/apt-ostree}
treefile=samples/treefiles/debian-12-bootable.yaml
ref=$(sed -n 's/^ref: *//p' "$treefile")
mkdir -p demo

start=$SECONDS
rc=0
"$cli" compose tree "$treefile" --repo=demo/repo --cachedir=demo/cache --write-commitid-to=demo/commit || rc=$?
[[ $rc -eq 0 || $rc -eq 77 ]] || exit $rc
compose_s=$((SECONDS - start))

start=$SECONDS
if [[ ! -d demo/sysroot/ostree/repo ]]; then
  "$cli" admin init-fs --modern demo/sysroot
  "$cli" admin os-init --sysroot=demo/sysroot debian
fi
"$cli" ostree pull-local --repo=demo/sysroot/ostree/repo demo/repo "$ref"
"$cli" admin deploy --sysroot=demo/sysroot --os=debian "$ref"
deploy_s=$((SECONDS - start))

"$cli" admin status --sysroot=demo/sysroot
echo "Demo: composed $ref ($(cat demo/commit)) in ${compose_s} s, deployed into demo/sysroot in ${deploy_s} s."
