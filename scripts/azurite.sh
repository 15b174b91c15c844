#!/usr/bin/env bash
# Local Azure Storage emulator for tests and the local host.
#   scripts/azurite.sh install        npm-installs azurite into .tools/azurite (skipped when present)
#   scripts/azurite.sh start [DIR]    starts it on 127.0.0.1 (blob 10000, queue 10001, table 10002), data in DIR
#   scripts/azurite.sh stop           stops the one this script started
# Never started with --debug: with Durable Task polling its log grows by gigabytes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/azurite"
version=3.37.0
pidfile="$root/.tools/azurite.pid"

install() {
  if [ -x "$tools/node_modules/.bin/azurite" ]; then return; fi
  command -v npm >/dev/null 2>&1 || { echo "azurite: npm (Node.js 20+) is required" >&2; exit 1; }
  echo "azurite: installing azurite@$version into $tools" >&2
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "azurite@$version" >&2
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  local data="${1:-$root/.data/azurite}"
  if listening 10000 && listening 10001 && listening 10002; then
    echo "azurite: already listening on 10000-10002" >&2; return
  fi
  install
  mkdir -p "$data"
  nohup "$tools/node_modules/.bin/azurite" --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --location "$data" --skipApiVersionCheck --loose >"$data/azurite.log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 120); do
    if listening 10000 && listening 10001 && listening 10002; then echo "azurite: ready (pid $(cat "$pidfile"), data $data)" >&2; return; fi
    sleep 0.25
  done
  echo "azurite: did not start; log: $data/azurite.log" >&2; exit 1
}

stop() {
  [ -f "$pidfile" ] || return 0
  local pid; pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  install) install ;;
  start) start "${2:-}" ;;
  stop) stop ;;
  *) echo "usage: $0 install|start [DIR]|stop" >&2; exit 2 ;;
esac
