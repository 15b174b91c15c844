#!/usr/bin/env bash
# The test command: installs what the tests need (skipping what is present), starts a fresh Azurite for the
# storage tests (stopped again at the end, whatever happens), then runs every test project.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh --dev
# Installed even when an Azurite is already listening: the chaos tests start private ones of their own.
scripts/azurite.sh install
data="$(mktemp -d -t nbf-azurite-XXXXXX)"
# An Azurite that was already listening (a developer's, another checkout's) is used and left running: only the one
# started here is stopped at the end.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
started_here=true
if listening 10000 && listening 10001 && listening 10002; then started_here=false; fi
cleanup() { if $started_here; then scripts/azurite.sh stop; fi; rm -rf "$data"; }
trap cleanup EXIT
scripts/azurite.sh start "$data"
# A hung test is reported (with the tests that were running) instead of eating the CI time limit.
dotnet test NotebookFunctions.sln -c Release --nologo --blame-hang-timeout 5m "$@"
