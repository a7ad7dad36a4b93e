#!/usr/bin/env bash
# The main job: install system dependencies, build everything, and pack the four NuGet packages into artifacts/packages.
set -euo pipefail
cd "$(dirname "$0")/.."
bash eng/install-deps.sh
dotnet build AptOstree.sln -c Release
dotnet pack AptOstree.sln -c Release --no-build -o artifacts/packages
echo "Packages:"; ls -1 artifacts/packages
