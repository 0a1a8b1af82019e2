#!/usr/bin/env bash
# Lighthouse 12.2.3 (pinned in package-lock.json) in Debian's Chromium, on the demo's home,
# call, a photo, a film and a poem page, as a phone on a slow link (Lighthouse's default
# mobile emulation and simulated throttling). Prints each page's performance,
# accessibility, best-practices and SEO scores (goals: >= 95, 100, 100, 100) and the bytes
# a gallery page costs on first load (goal < 100 KB). Not a test: it prints figures.
# PIAZZA_BIN picks the binary (default: the release build; see ../lib.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib.sh
scripts/setup-system >/dev/null
piazza_binary
if [ ! -d bench/lighthouse/node_modules ] || ! cmp -s bench/lighthouse/package-lock.json bench/lighthouse/node_modules/.piazza-installed-lock; then
  # No install scripts: nothing may download a browser of its own.
  npm ci --prefix bench/lighthouse --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
  cp bench/lighthouse/package-lock.json bench/lighthouse/node_modules/.piazza-installed-lock
fi
with_scratch lighthouse python3 bench/lighthouse/run.py "$PIAZZA_BIN"
