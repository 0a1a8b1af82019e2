#!/usr/bin/env bash
# Two request-path measurements against a real `piazza serve` (issue 9), printed side by side:
#   1. sign-in and home-page latency idle and while two 1080p films transcode (goal: sign-in
#      p99 during transcodes <= 4x idle; home page p99 <= 50 ms);
#   2. the reset form's answer time for an address with and without an account (the two
#      medians should be equal: timing must not tell who has an account).
# Not a test: it prints figures. Needs the FFmpeg CLI (scripts/setup-system installs it).
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib.sh
# The dev profile by default: the figures match a release build closely (see ../lib.sh).
PROFILE="${PROFILE:-dev}" piazza_binary
exec python3 bench/signin/run.py "$PIAZZA_BIN" "$@"
