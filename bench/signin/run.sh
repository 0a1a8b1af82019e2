#!/usr/bin/env bash
# Two request-path measurements against a real `piazza serve` (issue 9), printed side by side:
#   1. sign-in and home-page latency idle and while two 1080p films transcode (goal: sign-in
#      p99 during transcodes <= 4x idle; home page p99 <= 50 ms);
#   2. the reset form's answer time for an address with and without an account (the two
#      medians should be equal: timing must not tell who has an account).
# Not a test: it prints figures. Needs the FFmpeg CLI (scripts/setup-system installs it).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/piazza-target}"
# The dev profile optimises every dependency and the media engine (Cargo.toml), so the
# figures match a release build closely and reuse the test build's cache; PROFILE=release
# for a release build.
profile="${PROFILE:-dev}"
cargo build --profile "$profile" --bin piazza
dir=$([ "$profile" = dev ] && echo debug || echo "$profile")
exec python3 bench/signin/run.py "$CARGO_TARGET_DIR/$dir/piazza" "$@"
