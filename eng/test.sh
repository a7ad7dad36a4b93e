#!/usr/bin/env bash
# Runs every test project against the real tools (ostree, dpkg-deb, dpkg, apt) and prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export SNAPSHOOTER_STRICT_MODE=true
[[ ${SKIP_DEPS:-} == 1 ]] || bash eng/install-deps.sh || exit 1
results=artifacts/test-results
rm -rf "$results"
dotnet build AptOstree.sln -c Release || exit 1
dotnet test AptOstree.sln -c Release --no-build --logger "trx" --results-directory "$results" "$@"
status=$?
python3 eng/summarize-trx.py "$results"
summary=$?
[[ $status -eq 0 && $summary -eq 0 ]]
