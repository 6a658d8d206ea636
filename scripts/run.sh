#!/usr/bin/env bash
# The run command: Azurite (installed into .tools on first use, data kept in .azurite/) plus the API in
# standalone mode, which also runs the queue consumers and timers. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/azurite.sh

export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://localhost:5080}"
export Storage__ConnectionString="${Storage__ConnectionString:-UseDevelopmentStorage=true}"

app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
  stop_azurite
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if (exec 3<>/dev/tcp/127.0.0.1/10002) 2>/dev/null; then
  echo "Azurite (or another storage emulator) already listens on 10000-10002; using it."
else
  ensure_azurite
  mkdir -p .azurite
  start_azurite 10000 10001 10002 --location .azurite
  echo "Azurite started (data in .azurite/)."
fi

dotnet build src/Genviral.Functions -c Release --nologo -v quiet
dotnet run --project src/Genviral.Functions -c Release --no-build --no-launch-profile &
app_pid=$!

url="${ASPNETCORE_URLS%%;*}"
for _ in $(seq 1 150); do
  if curl -fsS "$url/health" >/dev/null 2>&1; then break; fi
  kill -0 "$app_pid" 2>/dev/null || { echo "The app exited during start-up." >&2; exit 1; }
  sleep 0.2
done

cat <<MSG

Genviral Partner API is running at $url
  API:        $url/api/partner/v1
  Docs:       $url/api/partner/v1/docs
  OpenAPI:    $url/api/partner/v1/openapi.json

Create a first key (in another terminal):
  admin="dotnet run --project src/Genviral.Admin --"
  user=\$(\$admin user create --email you@example.com --json | sed -E 's/.*"id":"([^"]+)".*/\1/')
  ws=\$(\$admin workspace create --name "My workspace" --owner "\$user" --json | sed -E 's/.*"id":"([^"]+)".*/\1/')
  \$admin plan set --workspace "\$ws" --plan business
  \$admin account add --workspace "\$ws" --platform tiktok --type hosted --username mybrand
  \$admin key issue --workspace "\$ws"
  curl -H "Authorization: Bearer <token>" $url/api/partner/v1/accounts

Press Ctrl-C to stop the app and Azurite.
MSG
wait "$app_pid"
