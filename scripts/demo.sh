#!/usr/bin/env bash
# Clean every sample end to end and print the diffs.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
for f in samples/*.txt; do
  echo "== $f"
  .venv/bin/mtclean clean "$f" --diff || [ $? -eq 1 ] || status=2
  echo "-- suggestions left for review:"
  .venv/bin/mtclean check "$f" | grep -v '\[fixed\]' || true
done
exit $status
