#!/usr/bin/env bash
# Builds and lints every Bicep file under infra/ with the pinned Bicep CLI; any warning fails the check.
#
# The CLI comes from the NuGet package Azure.Bicep.CommandLine.linux-x64 (NuGet is the only registry the build
# machines reach; `az bicep install` downloads from GitHub). It is cached in .tools/bicep/<version>/, so later runs
# make no network call. Usage: bash scripts/check-infra.sh
set -euo pipefail

BICEP_VERSION=0.49.2
# SHA-256 of azure.bicep.commandline.linux-x64.0.49.2.nupkg; change both lines together when upgrading.
BICEP_NUPKG_SHA256=4200806a921d2ba1ea7de78ec2e064cefe313f26f612be442e5161452af70d9d

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BICEP_DIR="$REPO_ROOT/.tools/bicep/$BICEP_VERSION"
BICEP="$BICEP_DIR/bicep"

# The CLI is a .NET single-file app; invariant globalization spares a fresh machine the libicu dependency.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1

download() { # URL FILE
  if command -v curl >/dev/null; then
    curl --fail --silent --show-error --location --retry 3 -o "$2" "$1"
  else
    python3 -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' "$1" "$2"
  fi
}

ensure_bicep() {
  if [ -x "$BICEP" ] && "$BICEP" --version 2>/dev/null | grep -q "version $BICEP_VERSION "; then
    return 0
  fi
  local id=azure.bicep.commandline.linux-x64
  local tmp
  tmp=$(mktemp -d)
  # Reuse the NuGet global-packages folder if a restore already put the package there; otherwise fetch the .nupkg
  # from the feed's flat container (the same file `dotnet restore` would download).
  local cached="${NUGET_PACKAGES:-$HOME/.nuget/packages}/$id/$BICEP_VERSION/tools/bicep"
  if [ -f "$cached" ]; then
    cp "$cached" "$tmp/bicep"
  else
    echo "Downloading Bicep CLI $BICEP_VERSION from NuGet ..." >&2
    download "https://api.nuget.org/v3-flatcontainer/$id/$BICEP_VERSION/$id.$BICEP_VERSION.nupkg" "$tmp/bicep.nupkg"
    echo "$BICEP_NUPKG_SHA256  $tmp/bicep.nupkg" | sha256sum --check --quiet -
    # python3 rather than unzip: unzip is not on every fresh machine.
    python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("tools/bicep"))' \
      "$tmp/bicep.nupkg" "$tmp/bicep"
  fi
  chmod +x "$tmp/bicep"
  mkdir -p "$BICEP_DIR"
  mv -f "$tmp/bicep" "$BICEP"
  rm -rf "$tmp"
}

ensure_bicep
"$BICEP" --version

cd "$REPO_ROOT"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failed=0

# Runs one bicep command; fails on a non-zero exit or on any diagnostic line. infra/bicepconfig.json raises the
# linter rules to "error"; compiler warnings (e.g. BCP081, unknown API version) are caught by the grep.
check() { # LABEL COMMAND...
  local label=$1
  shift
  local log="$out/log"
  if ! "$@" >"$log" 2>&1 || grep -Eq '\) : (Warning|Error|Info) ' "$log"; then
    echo "FAIL $label" >&2
    cat "$log" >&2
    failed=1
  else
    echo "ok   $label"
  fi
}

count=$(find infra -name '*.bicep' | wc -l)
if [ "$count" -eq 0 ]; then
  echo "No .bicep files under infra/" >&2
  exit 1
fi
# One CLI start per command (each start costs ~1.5 s); --pattern covers every file, including modules main.bicep
# does not reference. The ARM JSON goes to a temp folder: only the diagnostics matter here.
check "bicep build infra/**/*.bicep ($count files)" "$BICEP" build --pattern 'infra/**/*.bicep' --outdir "$out/json"
check "bicep lint  infra/**/*.bicep ($count files)" "$BICEP" lint --pattern 'infra/**/*.bicep'

# main.parameters.json is not compiled by bicep: check that it is JSON and maps exactly the parameters main.bicep
# declares (a typo there would otherwise surface only during `azd provision`, and a parameter it leaves out could not
# be set through azd at all).
check "parameters  infra/main.parameters.json" python3 - <<'PY'
import json, re, sys
declared = set(re.findall(r'^param\s+(\w+)', open('infra/main.bicep').read(), re.M))
given = json.load(open('infra/main.parameters.json'))['parameters']
unknown = sorted(set(given) - declared)
if unknown:
    sys.exit(f'infra/main.parameters.json sets parameters main.bicep does not declare: {unknown}')
unmapped = sorted(declared - set(given))
if unmapped:
    sys.exit(f'main.bicep declares parameters infra/main.parameters.json does not map to an azd variable: {unmapped}')
PY

if [ "$failed" -ne 0 ]; then
  echo "Infra check failed." >&2
  exit 1
fi
echo "Infra check passed: $count Bicep files build and lint clean."
