#!/usr/bin/env bash
# The run command: Azurite (installed into .tools on first use, data kept in .azurite/), the platform simulator
# (tools/PlatformSimulator, a local stand-in for TikTok, Instagram and YouTube) and the API in standalone mode, which
# also runs the queue consumers and timers and publishes to the simulator. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/azurite.sh

export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://localhost:5080}"
export Storage__ConnectionString="${Storage__ConnectionString:-UseDevelopmentStorage=true}"
simulator_url="${SIMULATOR_URL:-http://localhost:5090}"
export Platforms__TikTok__BaseUrl="${Platforms__TikTok__BaseUrl:-$simulator_url}"
export Platforms__Instagram__BaseUrl="${Platforms__Instagram__BaseUrl:-$simulator_url}"
export Platforms__YouTube__BaseUrl="${Platforms__YouTube__BaseUrl:-$simulator_url}"
export Platforms__YouTube__TokenUrl="${Platforms__YouTube__TokenUrl:-$simulator_url/token}"
# The simulator accepts any non-empty token; these stand in for the service's own credentials.
export Platforms__TikTok__ClientId="${Platforms__TikTok__ClientId:-local-tiktok-client}"
export Platforms__YouTube__ClientId="${Platforms__YouTube__ClientId:-local-google-client}"
export Platforms__TikTok__HostedAccessToken="${Platforms__TikTok__HostedAccessToken:-local-hosted-tiktok-token}"
export Platforms__Instagram__HostedAccessToken="${Platforms__Instagram__HostedAccessToken:-local-hosted-instagram-token}"
export Platforms__YouTube__HostedAccessToken="${Platforms__YouTube__HostedAccessToken:-local-hosted-youtube-token}"
export Platforms__TikTok__ClientSecret="${Platforms__TikTok__ClientSecret:-local-tiktok-secret}"
export Platforms__YouTube__ClientSecret="${Platforms__YouTube__ClientSecret:-local-google-secret}"
# Analytics stats: Instagram business discovery through the simulator's business account, YouTube by API key.
export Platforms__Instagram__BusinessAccountId="${Platforms__Instagram__BusinessAccountId:-17841400000000001}"
export Platforms__Instagram__DiscoveryAccessToken="${Platforms__Instagram__DiscoveryAccessToken:-local-instagram-discovery-token}"
export Platforms__YouTube__ApiKey="${Platforms__YouTube__ApiKey:-local-youtube-api-key}"
# The simulator serves sample media (/_sim/media/...); the media pipeline may fetch from it and nothing else private.
export Media__AllowedPrivateHosts="${Media__AllowedPrivateHosts:-${simulator_url#http://}}"

app_pid=""
simulator_pid=""
# Stops one child and waits for it; its non-zero exit status (143 after SIGTERM) must not end the cleanup early
# under `set -e`, or the processes after it would be left running.
stop_child() {
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  stop_child "$app_pid"
  stop_child "$simulator_pid"
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
dotnet build tools/PlatformSimulator -c Release --nologo -v quiet
ASPNETCORE_URLS="$simulator_url" dotnet run --project tools/PlatformSimulator -c Release --no-build --no-launch-profile &
simulator_pid=$!
# The built app itself, not `dotnet run`: the Functions SDK makes `dotnet run` start the Functions host (func),
# while the app started directly is standalone mode.
dotnet artifacts/bin/Genviral.Functions/release/Genviral.Functions.dll &
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
  Simulator:  $simulator_url (TikTok, Instagram, YouTube stand-in; sample media at $simulator_url/_sim/media/clip.mp4)

Create a first key (in another terminal):
  admin="dotnet run --project src/Genviral.Admin --"
  user=\$(\$admin user create --email you@example.com --json | sed -E 's/.*"id":"([^"]+)".*/\1/')
  ws=\$(\$admin workspace create --name "My workspace" --owner "\$user" --json | sed -E 's/.*"id":"([^"]+)".*/\1/')
  \$admin plan set --workspace "\$ws" --plan business
  \$admin account add --workspace "\$ws" --platform tiktok --type hosted --username mybrand
  \$admin account add --workspace "\$ws" --platform youtube --type byo --username mychannel --access-token t1 --refresh-token r1
  \$admin key issue --workspace "\$ws"
  curl -H "Authorization: Bearer <token>" $url/api/partner/v1/accounts

Publish (the dispatcher runs every minute and posts to the simulator once the post's media is ready):
  curl -H "Authorization: Bearer <token>" -H "Content-Type: application/json" $url/api/partner/v1/posts \\
    -d '{"caption":"Hello","accounts":[{"id":"<account id>"}],"media":{"type":"video","url":"$simulator_url/_sim/media/clip.mp4"}}'
  curl $simulator_url/_sim/publishing/published

Press Ctrl-C to stop the app, the simulator and Azurite.
MSG
wait "$app_pid"
