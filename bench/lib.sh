# What the benchmarks' run.sh scripts share; sourced from the repository's root, not run.

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/piazza-target}"

# piazza_binary: sets PIAZZA_BIN to a built `piazza`. One given in PIAZZA_BIN is used as it
# is; else PROFILE (default release) is built, at low priority: the machine may be building
# or testing as well. The dev profile optimises every dependency (Cargo.toml) and reuses
# the test build's cache; Piazza's own crate is optimised too for a benchmark.
piazza_binary() {
  if [ -n "${PIAZZA_BIN:-}" ]; then return; fi
  local profile="${PROFILE:-release}"
  nice -n 10 cargo build --config 'profile.dev.package.piazza.opt-level=2' --profile "$profile" --bin piazza
  PIAZZA_BIN="$CARGO_TARGET_DIR/$([ "$profile" = dev ] && echo debug || echo "$profile")/piazza"
}

# with_scratch NAME COMMAND [ARG...]: runs COMMAND ARG... SCRATCH, SCRATCH a new directory
# (readable by others: nginx's workers read from it), in a process group of its own. The
# driver starts and stops its servers itself; should it or this script be killed, the trap
# stops what it left (its process group) and the scratch directory goes.
with_scratch() {
  local name="$1"
  shift
  bench_scratch="$(mktemp -d "${TMPDIR:-/var/tmp}/piazza-bench-$name.XXXXXX")"
  chmod 755 "$bench_scratch"
  bench_driver=""
  trap bench_cleanup EXIT INT TERM
  setsid "$@" "$bench_scratch" &
  bench_driver=$!
  wait "$bench_driver"
}

bench_cleanup() {
  if [ -n "${bench_driver:-}" ] && kill -0 "$bench_driver" 2>/dev/null; then
    kill -TERM -- "-$bench_driver" 2>/dev/null || true
    wait "$bench_driver" 2>/dev/null || true
  fi
  rm -rf "${bench_scratch:-}"
}
