#!/usr/bin/env bash
# The test command: installs what the tests need (skipping what is present), starts a fresh Azurite for the
# storage tests (stopped again at the end, whatever happens), then runs every test project.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh --dev
data="$(mktemp -d -t nbf-azurite-XXXXXX)"
cleanup() { scripts/azurite.sh stop; rm -rf "$data"; }
trap cleanup EXIT
scripts/azurite.sh start "$data"
# A hung test is reported (with the tests that were running) instead of eating the CI time limit.
dotnet test NotebookFunctions.sln -c Release --nologo --blame-hang-timeout 5m "$@"
