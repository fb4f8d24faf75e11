#!/usr/bin/env bash
# Clean every sample end to end (all passes, LanguageTool included) and print the diffs
# and the suggestions left for review.
set -uo pipefail
cd "$(dirname "$0")/.."
MT=.venv/bin/mtclean

started=0
if ! $MT languagetool status >/dev/null 2>&1; then
  $MT languagetool start && started=1
fi
trap '[ $started = 1 ] && $MT languagetool stop >/dev/null' EXIT

status=0
for f in samples/*.txt; do
  echo "== $f: unified diff of the automatic fixes"
  $MT clean --diff "$f"; rc=$?
  [ $rc -le 1 ] || status=$rc
  echo
  echo "== $f: suggestions left for a person (mtclean check)"
  $MT check "$f" | grep -v '\[fixed\]'
  echo
done
exit $status
