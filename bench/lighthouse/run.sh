#!/usr/bin/env bash
# Lighthouse 12.2.3 (pinned in package-lock.json) in Debian's Chromium, on the demo's home,
# call, a photo, a film and a poem page, as a phone on a slow link (Lighthouse's default
# mobile emulation and simulated throttling). Prints each page's performance,
# accessibility, best-practices and SEO scores (goals: >= 95, 100, 100, 100) and the bytes
# a gallery page costs on first load (goal < 100 KB). Not a test: it prints figures.
# PIAZZA_BIN picks the binary (default: the release build, made if missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/piazza-target}"
scripts/setup-system >/dev/null
bin="${PIAZZA_BIN:-$CARGO_TARGET_DIR/release/piazza}"
if [ -z "${PIAZZA_BIN:-}" ]; then
  nice -n 10 cargo build --release --bin piazza
fi
if [ ! -d bench/lighthouse/node_modules ] || ! cmp -s bench/lighthouse/package-lock.json bench/lighthouse/node_modules/.piazza-installed-lock; then
  # No install scripts: nothing may download a browser of its own.
  npm ci --prefix bench/lighthouse --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
  cp bench/lighthouse/package-lock.json bench/lighthouse/node_modules/.piazza-installed-lock
fi
scratch="$(mktemp -d "${TMPDIR:-/var/tmp}/piazza-bench-lighthouse.XXXXXX")"
driver=""
cleanup() {
  if [ -n "$driver" ] && kill -0 "$driver" 2>/dev/null; then
    kill -TERM -- "-$driver" 2>/dev/null || true
    wait "$driver" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT INT TERM
setsid python3 bench/lighthouse/run.py "$bin" "$scratch" &
driver=$!
wait "$driver"
