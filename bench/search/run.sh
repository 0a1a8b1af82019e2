#!/usr/bin/env bash
# Piazza's faceted search against PostgreSQL full-text search on 100,000 works of real
# Italian text (issue 14); see README.md. Prints figures, fails on nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib.sh
if [ ! -d /usr/share/games/fortunes/it ]; then
  apt-get install -y fortunes-it >/dev/null
fi
tools="${XDG_CACHE_HOME:-$HOME/.cache}/piazza/bench-tools"
oha="${OHA:-$tools/bin/oha}"
if [ ! -x "$oha" ]; then
  cargo install oha --locked --version 1.16.0 --root "$tools"
fi
command -v pgbench >/dev/null || { echo "pgbench is missing (Debian: postgresql-client)" >&2; exit 1; }
# PIAZZA_BIN: a binary already built; else a release build (PROFILE=dev: the test
# build's dependencies, with Piazza's own crate optimised too; see ../lib.sh).
piazza_binary
exec python3 bench/search/run.py "$PIAZZA_BIN" "$oha"
