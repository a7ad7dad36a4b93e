#!/usr/bin/env bash
# Installs the system packages the SDK's tests and tools use: the real tools we are compared against.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(ostree ostree-tests dpkg-dev xz-utils zstd lz4 gzip bzip2 dose-distcheck libsolv-tools mmdebstrap fakeroot python3 apt-utils gnupg python3-apt openssl bubblewrap)
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
# PowerShell 7.6 (runs on .NET 10) for the samples/powershell tests, as a local dotnet tool.
if [[ ! -x artifacts/tools/pwsh ]]; then
  dotnet tool install --tool-path artifacts/tools PowerShell --version 7.6.9 >/dev/null || echo "warning: PowerShell could not be installed; its sample tests will be skipped" >&2
fi
