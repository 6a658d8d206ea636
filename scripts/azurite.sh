# Sourced by run.sh and test.sh: installs the pinned Azurite into the repo's .tools folder and starts it.
# Azurite's well-known development account key is public (it is the same on every machine), not a secret.
AZURITE_VERSION=3.37.0
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AZURITE_DIR="$REPO_ROOT/.tools/azurite"
AZURITE_BIN="$AZURITE_DIR/node_modules/.bin/azurite"
AZURITE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

ensure_azurite() {
  if [ -x "$AZURITE_BIN" ] && grep -q "\"version\": \"$AZURITE_VERSION\"" "$AZURITE_DIR/node_modules/azurite/package.json" 2>/dev/null; then
    return 0
  fi
  command -v npm >/dev/null || { echo "npm is required (Node.js 20 or newer) to install Azurite" >&2; return 1; }
  echo "Installing Azurite $AZURITE_VERSION into .tools/azurite ..." >&2
  mkdir -p "$AZURITE_DIR"
  npm install --prefix "$AZURITE_DIR" --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >&2
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# start_azurite BLOB QUEUE TABLE [azurite options...]: starts Azurite in the background, sets AZURITE_PID
# and AZURITE_CONNECTION_STRING, and returns once all three services accept connections.
start_azurite() {
  local blob=$1 queue=$2 table=$3
  shift 3
  "$AZURITE_BIN" --silent --skipApiVersionCheck --disableProductStyleUrl \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" "$@" &
  AZURITE_PID=$!
  AZURITE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
  local port
  for port in "$blob" "$queue" "$table"; do
    for _ in $(seq 1 100); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
      if ! kill -0 "$AZURITE_PID" 2>/dev/null; then echo "Azurite exited during start-up" >&2; return 1; fi
      sleep 0.1
    done
  done
}

# Azurite sometimes hangs while closing its servers; give it ten seconds to save and exit, then end it.
stop_azurite() {
  if [ -n "${AZURITE_PID:-}" ] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    kill "$AZURITE_PID" 2>/dev/null
    (sleep 10; kill -9 "$AZURITE_PID" 2>/dev/null) &
    local watchdog=$!
    wait "$AZURITE_PID" 2>/dev/null || true
    kill "$watchdog" 2>/dev/null || true
  fi
}
