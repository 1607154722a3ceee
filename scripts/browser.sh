#!/usr/bin/env bash
# Debian's chromium for the browser tests (tests/test_web_browser.py drive it with Playwright).
#
#   scripts/browser.sh          install chromium with apt-get when /usr/bin/chromium is missing
#                               and we are root; print its path and version
#
# Idempotent: with chromium present it only prints. Never runs 'playwright install' (that
# downloads a browser build from outside the package registries): the tests launch
# /usr/bin/chromium (or env DYAD_CHROMIUM) through Playwright's executable_path.
# Without root and without chromium it says so and exits 0: the browser tests then skip,
# except under CI=true, where they fail.
set -euo pipefail

CHROMIUM="${DYAD_CHROMIUM:-/usr/bin/chromium}"
say() { echo "browser.sh: $*" >&2; }

if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing chromium with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq chromium >&2
  else
    say "no chromium at $CHROMIUM and not root: install it with 'apt-get install chromium' (browser tests will skip)"
    exit 0
  fi
fi

if [ ! -x "$CHROMIUM" ]; then
  say "chromium is still missing at $CHROMIUM"
  exit 1
fi
echo "$CHROMIUM"
"$CHROMIUM" --version 2>/dev/null | grep -v "unexpected operator" || true
