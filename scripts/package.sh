#!/usr/bin/env bash
# Assembles the deployable function app and zips it:
#
#   dist/functionapp/            host.json, functions/<Name>/function.json (every folder under functions/, so new
#                                functions need no change here) and app/ = the self-contained linux-x64 publish
#                                output, whose app/Genviral.Functions is the custom handler host.json starts
#   dist/functionapp.zip         the same tree with host.json and the function folders at the zip root, the
#                                executable bit kept on app/Genviral.Functions
#
# The folder is what `func start` can run from; the zip is what azd (azure.yaml) and `az functionapp deploy`
# upload to Flex Consumption. Usage: bash scripts/package.sh   (needs dotnet and python3; works on a fresh clone)
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_ROOT"

DIST=dist
APP_DIR="$DIST/functionapp"
ZIP="$DIST/functionapp.zip"
HANDLER=app/Genviral.Functions   # must match host.json customHandler.description.defaultExecutablePath

# Start clean: a function folder deleted from functions/ must not linger in the package.
rm -rf "$APP_DIR" "$ZIP"
mkdir -p "$APP_DIR"

cp host.json "$APP_DIR/"
count=0
for fn in functions/*/; do
  name=$(basename "$fn")
  [ -f "$fn/function.json" ] || continue
  # The host discovers functions as <root>/<Name>/function.json, so the folders go to the package root.
  mkdir -p "$APP_DIR/$name"
  cp "$fn/function.json" "$APP_DIR/$name/"
  count=$((count + 1))
done
if [ "$count" -eq 0 ]; then
  echo "No functions/*/function.json found" >&2
  exit 1
fi

# Self-contained: Flex runs the "custom" runtime, which provides no .NET, so the runtime ships inside app/.
# A separate artifacts path keeps this linux-x64 restore/build out of artifacts/, where a concurrent
# `dotnet build`/`dotnet test` (no runtime identifier) rewrites the same project.assets.json.
dotnet publish src/Genviral.Functions/Genviral.Functions.csproj \
  -c Release -r linux-x64 --self-contained true \
  --artifacts-path "$DIST/build" \
  -o "$APP_DIR/app" \
  --nologo

if [ ! -f "$APP_DIR/$HANDLER" ]; then
  echo "Publish did not produce $APP_DIR/$HANDLER (host.json's defaultExecutablePath)" >&2
  exit 1
fi
chmod +x "$APP_DIR/$HANDLER"

# Zip with python3's zipfile (python3 is on every build machine; `zip` is not) and write Unix permissions
# explicitly rather than copying the file system's (publish output marks even .dll files executable):
# 0755 for the handler and the runtime's createdump, 0644 for everything else. Forcing the handler's bit means
# even a build on a file system without one yields a package whose handler can start (a handler without +x
# fails at host start-up with "permission denied").
python3 - "$APP_DIR" "$ZIP" "$HANDLER" <<'PY'
import os, sys, zipfile
root, zip_path, handler = sys.argv[1], sys.argv[2], sys.argv[3]
with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as z:
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            arcname = os.path.relpath(path, root).replace(os.sep, "/")
            info = zipfile.ZipInfo.from_file(path, arcname)
            mode = 0o755 if arcname in (handler, "app/createdump") else 0o644
            info.external_attr = (0o100000 | mode) << 16  # S_IFREG | permissions, in the high 16 bits
            info.create_system = 3                        # Unix, so extractors honour the permission bits
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                z.writestr(info, f.read())
PY

echo "Function app folder: $REPO_ROOT/$APP_DIR ($count functions)"
echo "Deployment zip:      $REPO_ROOT/$ZIP ($(du -h "$ZIP" | cut -f1))"
