#!/usr/bin/env bash
# Installs the system packages the SDK's tests and tools use: the real tools we are compared against.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(ostree ostree-tests dpkg-dev xz-utils zstd lz4 gzip bzip2 dose-distcheck libsolv-tools mmdebstrap fakeroot python3 apt-utils gnupg python3-apt openssl
  qemu-system-x86 ovmf grub-efi-amd64-bin grub-common dosfstools mtools fdisk e2fsprogs dracut-core bubblewrap uidmap attr systemd git bc)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
# The tests read the host's apt lists, so refresh them whether or not packages are missing.
"${sudo_cmd[@]}" apt-get update -q
if ((${#missing[@]})); then
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# The unprivileged user the rootless tests drop to (runuser), with subordinate ids for the script sandbox's user
# namespace (useradd allocates them when /etc/subuid exists; usermod adds them otherwise).
test_user=aptostree-test
if ! id -u "$test_user" >/dev/null 2>&1; then
  "${sudo_cmd[@]}" touch /etc/subuid /etc/subgid
  "${sudo_cmd[@]}" useradd --create-home --shell /bin/sh "$test_user"
fi
for f in subuid subgid; do
  if ! grep -q "^$test_user:" "/etc/$f" 2>/dev/null; then
    start=$(awk -F: '{ e = $2 + $3; if (e > m) m = e } END { print (m > 100000 ? m : 100000) }' "/etc/$f" 2>/dev/null || echo 100000)
    "${sudo_cmd[@]}" usermod "--add-${f}s" "$start-$((start + 65535))" "$test_user"
  fi
done
# PowerShell 7.6 (runs on .NET 10) for the samples/powershell tests, as a local dotnet tool.
if [[ ! -x artifacts/tools/pwsh ]]; then
  dotnet tool install --tool-path artifacts/tools PowerShell --version 7.6.9 >/dev/null || echo "warning: PowerShell could not be installed; its sample tests will be skipped" >&2
fi
