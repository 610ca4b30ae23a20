#!/usr/bin/env bash
# Runs the real-browser tests of the public pages (tests/browser/*.test.js) with Node's built-in
# test runner, Debian's Chromium (never a downloaded browser) and the already built binary.
#
#   tests/browser/run.sh                 # all tests
#   tests/browser/run.sh flow.test.js    # some files
#
# Environment: CHROMIUM (default /usr/bin/chromium), PLEADESK_BIN (default
# <repo>/target/debug/pleadesk). Screenshots go to <repo>/target/browser-screenshots/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"
bin="${PLEADESK_BIN:-$repo/target/debug/pleadesk}"

if [[ ! -x "$chromium" ]]; then
  echo "tests/browser: Chromium not found at $chromium." >&2
  echo "  Install Debian's package (apt-get install -y chromium) or set CHROMIUM to a Chromium binary." >&2
  exit 1
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "tests/browser: node and npm (Node 20 or newer) are needed." >&2
  exit 1
fi
if [[ ! -x "$bin" ]]; then
  echo "tests/browser: PleaDesk binary not found at $bin (run cargo build first, or set PLEADESK_BIN)." >&2
  exit 1
fi

cd "$here"
npm ci --no-audit --no-fund --loglevel=error >/dev/null

export CHROMIUM="$chromium" PLEADESK_BIN="$bin"
if [[ $# -gt 0 ]]; then
  files=("$@")
else
  files=(*.test.js)
fi
status=0
node --test --test-reporter=spec "${files[@]}" || status=$?
exit "$status"
