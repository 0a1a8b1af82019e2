#!/usr/bin/env bash
# Resumable uploads into SeaweedFS (issue: tus uploads): a 1 GiB file through `piazza serve`
# over tus in 8 MiB chunks, against a direct boto3 upload of the same file to the same S3
# server, in alternating rounds; prints MB/s of each, the median ratio tus/boto3 (goal
# >= 0.9) and the web node's memory (goal: grows by less than 64 MiB).
# Not a test: it prints figures. SIZE_MIB (default 1024) and ROUNDS (default 3) change the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib.sh
piazza_binary

# Its own virtualenv, pinned (requirements.txt), made again when the pins change.
cache=bench/uploads/.cache
venv="$cache/venv"
if [ ! -x "$venv/bin/python3" ] || ! cmp -s bench/uploads/requirements.txt "$venv/.installed-requirements"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python3" -m pip install --quiet -r bench/uploads/requirements.txt
  cp bench/uploads/requirements.txt "$venv/.installed-requirements"
fi

export PATH="$venv/bin:$PATH"
with_scratch uploads "$venv/bin/python3" bench/uploads/run.py "$PIAZZA_BIN"
