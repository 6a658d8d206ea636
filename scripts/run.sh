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
step_pid=""
# Everything this script started, stopped whatever ends it: Ctrl-C, SIGTERM, SIGHUP, a failed step or the app exiting
# (SIGKILL cannot be caught).
# Further signals are ignored meanwhile: a second Ctrl-C must not cut the cleanup short and leave a process behind.
cleanup() {
  trap '' INT TERM
  stop_process "$step_pid" 10
  stop_process "$app_pid" 15
  stop_process "$simulator_pid" 10
  stop_azurite
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs one step in the background and waits for it: bash handles a signal only once a foreground command has ended,
# so a SIGTERM during a minute-long build would wait for it (and a SIGKILL that follows would leave everything running).
step() {
  "$@" &
  step_pid=$!
  wait "$step_pid"
  step_pid=""
}

# wait_for NAME PID URL: waits until URL answers, failing loudly if the process exits or 30 s pass.
wait_for() {
  local name=$1 pid=$2 url=$3
  for _ in $(seq 1 150); do
    if curl -fsS "$url" >/dev/null 2>&1; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { echo "The $name exited during start-up." >&2; return 1; }
    sleep 0.2
  done
  echo "The $name did not answer $url within 30 s." >&2
  return 1
}

if (exec 3<>/dev/tcp/127.0.0.1/10002) 2>/dev/null; then
  echo "Azurite (or another storage emulator) already listens on 10000-10002; using it."
else
  step ensure_azurite
  mkdir -p .azurite
  AZURITE_LOG=.azurite/azurite.log
  start_azurite 10000 10001 10002 --location .azurite
  echo "Azurite started (data and azurite.log in .azurite/)."
fi

step dotnet build src/Genviral.Functions -c Release --nologo -v quiet
step dotnet build tools/PlatformSimulator -c Release --nologo -v quiet
# Both are started from their built assemblies, so each PID is the process itself (`dotnet run` would be a parent
# that a signal may not pass on, and for the app it would start the Functions host, func, not standalone mode).
ASPNETCORE_URLS="$simulator_url" dotnet artifacts/bin/PlatformSimulator/release/Genviral.PlatformSimulator.dll &
simulator_pid=$!
dotnet artifacts/bin/Genviral.Functions/release/Genviral.Functions.dll &
app_pid=$!

url="${ASPNETCORE_URLS%%;*}"
wait_for "platform simulator" "$simulator_pid" "$simulator_url/"
wait_for app "$app_pid" "$url/health"

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
