#!/usr/bin/env bash
# The test command: installs what the tests need (skipping what is present), then runs every test project.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh --dev
dotnet test NotebookFunctions.sln -c Release --nologo "$@"
