#!/usr/bin/env bash
# Resumable uploads into SeaweedFS (issue: tus uploads): a 1 GiB file through `piazza serve`
# over tus in 8 MiB chunks, against a direct boto3 upload of the same file to the same S3
# server, in alternating rounds; prints MB/s of each, the median ratio tus/boto3 (goal
# >= 0.9) and the web node's memory (goal: grows by less than 64 MiB).
# Not a test: it prints figures. SIZE_MIB (default 1024) and ROUNDS (default 3) change the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/piazza-target}"
# The release build, at low priority: the machine may be building or testing as well.
nice -n 10 cargo build --release --bin piazza

# Its own virtualenv, pinned (requirements.txt), made again when the pins change.
cache=bench/uploads/.cache
venv="$cache/venv"
if [ ! -x "$venv/bin/python3" ] || ! cmp -s bench/uploads/requirements.txt "$venv/.installed-requirements"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python3" -m pip install --quiet -r bench/uploads/requirements.txt
  cp bench/uploads/requirements.txt "$venv/.installed-requirements"
fi

# The driver starts SeaweedFS and Piazza and stops them itself; should it be killed, the
# trap stops what it left (its process group) and the scratch directory goes.
scratch="$(mktemp -d "${TMPDIR:-/var/tmp}/piazza-bench-uploads.XXXXXX")"
driver=""
cleanup() {
  if [ -n "$driver" ] && kill -0 "$driver" 2>/dev/null; then
    kill -TERM -- "-$driver" 2>/dev/null || true
    wait "$driver" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT INT TERM
PATH="$venv/bin:$PATH" setsid "$venv/bin/python3" bench/uploads/run.py "$CARGO_TARGET_DIR/release/piazza" "$scratch" &
driver=$!
wait "$driver"
