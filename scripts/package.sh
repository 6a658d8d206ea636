#!/usr/bin/env bash
# Publishes the function app (.NET isolated worker) and zips it:
#
#   dist/functionapp/       the `dotnet publish` output of src/Genviral.Functions: host.json, functions.metadata,
#                           worker.config.json, extensions.json, .azurefunctions/, Genviral.Functions.dll and the
#                           other assemblies (framework-dependent: Flex's dotnet-isolated 10.0 runtime provides .NET)
#   dist/functionapp.zip    the contents of that folder, at the zip root (no parent folder)
#
# The zip is what `az functionapp deploy` uploads to Flex Consumption (azd publishes the project itself; see
# azure.yaml). Usage: bash scripts/package.sh   (needs dotnet and python3; works on a fresh clone)
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_ROOT"

DIST=dist
APP_DIR="$DIST/functionapp"
ZIP="$DIST/functionapp.zip"

# Start clean: a file the project no longer publishes must not linger in the package.
rm -rf "$APP_DIR" "$ZIP"

# A separate artifacts path keeps this publish's restore and build out of artifacts/, where a concurrent
# `dotnet build`/`dotnet test` of the solution writes the same project's obj/ and bin/ folders.
dotnet publish src/Genviral.Functions/Genviral.Functions.csproj \
  -c Release \
  --artifacts-path "$DIST/build" \
  -o "$APP_DIR" \
  --nologo

# The host reads host.json and functions.metadata from the package root; without either it finds no functions.
# The other files are written by the Functions worker SDK; their absence means the publish is not the one expected.
missing=()
for required in host.json functions.metadata worker.config.json extensions.json Genviral.Functions.dll .azurefunctions; do
  [ -e "$APP_DIR/$required" ] || missing+=("$required")
done
if [ "${#missing[@]}" -ne 0 ]; then
  echo "Publish output $APP_DIR lacks: ${missing[*]}" >&2
  exit 1
fi

# Zip with python3's zipfile (`zip` is not on every build machine). os.walk includes dot folders, so
# .azurefunctions/ is kept (Flex refuses a .NET isolated package without it); paths are relative to the folder.
python3 - "$APP_DIR" "$ZIP" <<'PY'
import os, sys, zipfile
root, zip_path = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as z:
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            z.write(path, os.path.relpath(path, root).replace(os.sep, "/"))
PY

echo "Function app folder: $REPO_ROOT/$APP_DIR"
echo "Deployment zip:      $REPO_ROOT/$ZIP ($(du -h "$ZIP" | cut -f1))"
