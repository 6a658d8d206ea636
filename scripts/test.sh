#!/usr/bin/env bash
# The test command: installs the pinned Azurite if needed, starts it on free ports with in-memory storage,
# builds and runs every test project against it, and stops it again, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/azurite.sh

ensure_azurite
trap stop_azurite EXIT
start_azurite_on_free_ports --inMemoryPersistence
export GENVIRAL_TEST_STORAGE="$AZURITE_CONNECTION_STRING"

results="$REPO_ROOT/artifacts/test-results"
rm -rf "$results"
dotnet build Genviral.Functions.sln -c Release --nologo -v quiet
status=0
dotnet test Genviral.Functions.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" || status=$?

# One closing line for the whole run, summed over every project's results file.
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ]; then echo "no test ran" >&2; exit 1; fi
exit $status
