#!/usr/bin/env bash
# Score dyad's extraction against gold: the shared dev set (when ../shared is present, with the
# shared scorer) and the project's own bundled corpus (with `dyad score`, which implements the
# same rules). The last line of each table is the strict F1.
set -euo pipefail
shared=${1:-../shared}
bin=.venv/bin
if [ -d "$shared/corpus/dev" ] && [ -f "$shared/bench/score.py" ]; then
  out=$(mktemp)
  trap 'rm -f "$out"' EXIT
  echo "== shared dev set ($shared/corpus/dev), shared scorer =="
  $bin/dyad extract "$shared"/corpus/dev --format events-jsonl -o "$out"
  $bin/python "$shared/bench/score.py" --gold "$shared/gold/dev" --system "$out" --aliases "$shared/gold/aliases.json"
else
  echo "== shared dev set: skipped ($shared/corpus/dev is absent) =="
fi
echo
echo "== bundled corpus (corpus/), dyad score =="
$bin/dyad score corpus --gold corpus/gold
