#!/usr/bin/env bash
# Installs what Notebook Functions needs on this machine, skipping whatever is already present (idempotent).
#   scripts/setup.sh          the kernel: Python with kernel/requirements.txt's packages (Debian: /usr/bin/python3 from apt)
#   scripts/setup.sh --dev    also what the tests and benchmarks use: nbclient, nbformat, nbconvert, and Chromium for the web app's browser tests
# Elsewhere than Debian/Ubuntu, install the same with pip into the Python your kernelspec points at:
#   pip install -r kernel/requirements.txt [nbclient nbformat nbconvert] && python -m ipykernel install --user
set -euo pipefail

dev=false
[ "${1:-}" = "--dev" ] && dev=true
py=/usr/bin/python3

say() { printf 'setup: %s\n' "$*" >&2; }

if ! command -v dotnet >/dev/null 2>&1; then
  say "the .NET SDK 10 is required and was not found on PATH (https://dot.net)"; exit 1
fi

# module -> Debian package, from the one list the worker image installs too (kernel/requirements.txt, "# debian:" names)
declare -A wanted=()
while IFS= read -r line; do
  module="${line%%[=<> ]*}"
  debian="$(sed -n 's/.*# debian: *\([^ ]*\).*/\1/p' <<<"$line")"
  [ -n "$module" ] && [ -n "$debian" ] && wanted[$module]="$debian"
done < <(grep -v '^[[:space:]]*#' "$(dirname "${BASH_SOURCE[0]}")/../kernel/requirements.txt" | grep -v '^[[:space:]]*$')
if $dev; then
  wanted+=([nbclient]=python3-nbclient [nbformat]=python3-nbformat [nbconvert]=jupyter-nbconvert)
fi

missing=()
for module in "${!wanted[@]}"; do
  if [ ! -x "$py" ] || ! "$py" -c "import $module" >/dev/null 2>&1; then
    missing+=("${wanted[$module]}")
  fi
done

# The web app's tests drive Debian's Chromium with Playwright (its own browser download is not reachable here).
if $dev && [ ! -x /usr/bin/chromium ]; then
  missing+=(chromium)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    say "installing ${missing[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
    say "installing ${missing[*]} with sudo apt-get"
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing ${missing[*]}; install them with your package manager, or with pip as described at the top of this script"; exit 1
  fi
fi

# Debian's python3-ipykernel registers the python3 kernelspec; a pip install needs it done by hand.
found=false
jupyter_path="${JUPYTER_PATH:-}"
for dir in ${jupyter_path//:/ } "$HOME/.local/share/jupyter" /usr/local/share/jupyter /usr/share/jupyter; do
  [ -f "$dir/kernels/python3/kernel.json" ] && found=true && break
done
if ! $found; then
  say "registering the python3 kernelspec for $py"
  "$py" -m ipykernel install --user >/dev/null
fi
say "ready: $("$py" -c 'import sys, ipykernel, pandas; print(f"python {sys.version.split()[0]}, ipykernel {ipykernel.__version__}, pandas {pandas.__version__}")')"
