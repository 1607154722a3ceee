#!/usr/bin/env bash
# The quick-start demo: extract every event of the bundled corpus, build a knowledge base from it,
# and show one pair's timeline.
set -euo pipefail
bin=.venv/bin
db=sqlite:///demo.db
echo "== Events found in the bundled corpus (corpus/) =="
$bin/dyad extract corpus --format table
if $bin/dyad --help | grep -q " ingest "; then
  echo
  echo "== Knowledge base: demo.db =="
  $bin/dyad ingest corpus --db "$db"
  echo
  echo "== Timeline: Kosovo – Serbia =="
  $bin/dyad timeline Kosovo Serbia --db "$db"
  echo
  echo "== Who recognised Kosovo, as of 2020-01-01 =="
  $bin/dyad recognitions Kosovo --on 2020-01-01 --db "$db"
fi
