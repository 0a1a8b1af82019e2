#!/usr/bin/env bash
# Anonymous pages (issue 14): home, a call, a work and a search page from `piazza serve`
# (a release build unless PIAZZA_BIN names one; the demo's content, kept pages on)
# against nginx serving the very same bytes from disk, one after the other in one run,
# with wrk (32 connections, 2 threads, --latency). Prints requests/s and latency
# percentiles of each, and the ratio Piazza/nginx (goal >= 0.5, p99 < 5 ms). Not a test: it prints figures.
# DURATION_S (default 10) and CONNECTIONS (default 32) change the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib.sh
scripts/setup-system >/dev/null
# The load tool and the reference server, from Debian.
missing=""
for pkg in wrk nginx; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -q >/dev/null
  # The package's own nginx service is not wanted: only the binary is used, with a
  # configuration of the benchmark's own.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $SUDO apt-get install -y -q $missing >/dev/null
fi
piazza_binary
with_scratch pages python3 bench/pages/run.py "$PIAZZA_BIN"
