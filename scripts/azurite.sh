# Sourced by run.sh and test.sh: installs the pinned Azurite into the repo's .tools folder and starts it.
# Azurite's well-known development account key is public (it is the same on every machine), not a secret.
AZURITE_VERSION=3.37.0
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AZURITE_DIR="$REPO_ROOT/.tools/azurite"
AZURITE_BIN="$AZURITE_DIR/node_modules/.bin/azurite"
AZURITE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
# How long Azurite may take to listen on its three ports before start_azurite gives up.
AZURITE_START_SECONDS=${AZURITE_START_SECONDS:-30}

ensure_azurite() {
  if [ -x "$AZURITE_BIN" ] && grep -q "\"version\": \"$AZURITE_VERSION\"" "$AZURITE_DIR/node_modules/azurite/package.json" 2>/dev/null; then
    return 0
  fi
  command -v npm >/dev/null || { echo "npm is required (Node.js 20 or newer) to install Azurite" >&2; return 1; }
  echo "Installing Azurite $AZURITE_VERSION into .tools/azurite ..." >&2
  mkdir -p "$AZURITE_DIR"
  npm install --prefix "$AZURITE_DIR" --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >&2
}

# free_ports N: N distinct ports that were free a moment ago (another process may still take one before it is bound).
free_ports() {
  node -e "
    const net = require('net');
    const servers = Array.from({ length: Number(process.argv[1]) }, () => net.createServer());
    Promise.all(servers.map(s => new Promise(r => s.listen(0, '127.0.0.1', r)))).then(() => {
      console.log(servers.map(s => s.address().port).join(' '));
      servers.forEach(s => s.close());
    });" "$1"
}

# stop_process PID [SECONDS]: sends SIGTERM, waits up to SECONDS (default 10) for the process to end, then SIGKILL.
stop_process() {
  local pid=$1 grace=${2:-10}
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((grace * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  # Reaps it when it is a child of this shell; its non-zero status must not stop a caller under `set -e`.
  wait "$pid" 2>/dev/null || true
}

# start_azurite BLOB QUEUE TABLE [azurite options...]: starts Azurite in the background, sets AZURITE_PID and
# AZURITE_CONNECTION_STRING, and returns once Azurite itself says all three services listen (a port that merely
# accepts connections may belong to another process). Fails loudly, with Azurite stopped and its output shown, if it
# exits or is not listening within AZURITE_START_SECONDS; the status is 2 when a port was already in use, 1 otherwise.
# Its output goes to AZURITE_LOG if the caller names a file, else to a temporary file that stop_azurite removes.
start_azurite() {
  local blob=$1 queue=$2 table=$3
  shift 3
  if [ -z "${AZURITE_LOG:-}" ]; then
    AZURITE_LOG=$(mktemp "${TMPDIR:-/tmp}/azurite.XXXXXX")
    AZURITE_LOG_IS_TEMPORARY=1
  fi
  "$AZURITE_BIN" --silent --skipApiVersionCheck --disableProductStyleUrl \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" "$@" > "$AZURITE_LOG" 2>&1 &
  AZURITE_PID=$!
  AZURITE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
  for _ in $(seq 1 $((AZURITE_START_SECONDS * 10))); do
    if [ "$(grep -c 'successfully listening' "$AZURITE_LOG")" -ge 3 ]; then
      return 0
    fi
    if ! kill -0 "$AZURITE_PID" 2>/dev/null; then
      wait "$AZURITE_PID" 2>/dev/null || true
      AZURITE_PID=""
      if grep -q 'EADDRINUSE' "$AZURITE_LOG"; then
        echo "Azurite could not bind one of the ports $blob, $queue, $table: it is in use" >&2
        return 2
      fi
      echo "Azurite exited during start-up:" >&2
      cat "$AZURITE_LOG" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "Azurite was not listening on $blob, $queue and $table after ${AZURITE_START_SECONDS}s; stopping it. Its output:" >&2
  cat "$AZURITE_LOG" >&2
  stop_azurite
  return 1
}

# start_azurite_on_free_ports [azurite options...]: start_azurite on three free ports. Another process can take a
# port between the look and Azurite's bind, so a start that finds a port in use is tried again on new ones, 5 times.
start_azurite_on_free_ports() {
  local status
  for _ in 1 2 3 4 5; do
    # shellcheck disable=SC2046 # three port numbers, split on purpose
    start_azurite $(free_ports 3) "$@" && return 0 || status=$?
    [ "$status" -eq 2 ] || return "$status"
  done
  echo "Azurite found a port in use 5 times in a row; giving up" >&2
  return 1
}

# On SIGTERM Azurite closes its three services (saving its data), and then often does not exit: once all three say
# they closed, or after ten seconds, it is killed.
stop_azurite() {
  if [ -n "${AZURITE_PID:-}" ] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    kill "$AZURITE_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$AZURITE_PID" 2>/dev/null || break
      [ "$(grep -c 'successfully closed' "$AZURITE_LOG" 2>/dev/null)" -lt 3 ] || break
      sleep 0.1
    done
    kill -9 "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
  fi
  AZURITE_PID=""
  if [ -n "${AZURITE_LOG_IS_TEMPORARY:-}" ]; then
    rm -f "$AZURITE_LOG"
    AZURITE_LOG="" AZURITE_LOG_IS_TEMPORARY=""
  fi
}
