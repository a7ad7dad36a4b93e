#!/usr/bin/env bash
# The main job: install system dependencies, build everything, pack the four NuGet packages into artifacts/packages,
# and publish the apt-ostree CLI into artifacts/cli as users would run it: Native AOT (no JIT at start-up, a
# smaller footprint — the extraction and checkout figures in docs/benchmarks.md are measured with it), or
# ReadyToRun when the native toolchain (a C compiler/linker) is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash eng/install-deps.sh
dotnet build AptOstree.sln -c Release
dotnet pack AptOstree.sln -c Release --no-build -o artifacts/packages
echo "Packages:"; ls -1 artifacts/packages

case $(uname -m) in x86_64) rid=linux-x64 ;; aarch64) rid=linux-arm64 ;; *) rid=linux-$(uname -m) ;; esac
rm -rf artifacts/cli
# Native AOT links with the system C toolchain.
if ! dpkg-query -W -f='${Status}' gcc zlib1g-dev 2>/dev/null | grep -c "install ok installed" | grep -q 2; then
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends gcc zlib1g-dev || true
fi
if command -v gcc >/dev/null || command -v clang >/dev/null; then
  linker=$(command -v clang >/dev/null && echo clang || echo gcc)
  dotnet publish samples/AptOstree.Cli -c Release -r "$rid" -p:PublishAot=true -p:CppCompilerAndLinker="$linker" \
    -o artifacts/cli && flavour="Native AOT" || flavour=""
fi
if [[ -z ${flavour:-} ]]; then
  dotnet publish samples/AptOstree.Cli -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o artifacts/cli
  flavour=ReadyToRun
fi
echo "CLI ($flavour): artifacts/cli/apt-ostree"

# The product: compose a bootable Debian 12 from the host's apt sources into ./demo/repo and deploy it into
# ./demo/sysroot, rootless (eng/demo.sh). APTOSTREE_SKIP_DEMO=1 skips this step.
if [[ -n ${APTOSTREE_SKIP_DEMO:-} ]]; then
  echo "Demo skipped (APTOSTREE_SKIP_DEMO set)."
else
  bash eng/demo.sh
fi
