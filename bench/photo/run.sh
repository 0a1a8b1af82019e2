#!/usr/bin/env bash
# Photo engine benchmark: our release build against sharp (libvips) on the same 12 MP JPEG,
# then a batch of photos through a 2-thread pool. Not a test: it prints a table.
#   bench/photo/run.sh            (from anywhere; RUNS=10 BATCH=50 THREADS=2 to change)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$here/work"
runs="${RUNS:-10}"
batch="${BATCH:-50}"
threads="${THREADS:-2}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/piazza-target}"

for tool in ffmpeg node npm hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y ffmpeg nodejs npm hyperfine time)" >&2; exit 1; }
done

mkdir -p "$work"
photo="$work/photo-12mp.jpg"
if [ ! -f "$photo" ]; then
  # 4000x3000, FFmpeg's busy test card with film-grain noise: detail like a real photo.
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=s=4000x3000,noise=alls=24:allf=t+u" \
    -frames:v 1 -q:v 3 "$photo"
fi
[ -d "$here/node_modules/sharp" ] || (cd "$here" && npm install --no-audit --no-fund sharp >/dev/null)
(cd "$root" && cargo build --release -q -p piazza-workers --example photo_bench)
ours="$CARGO_TARGET_DIR/release/examples/photo_bench"

echo "machine: $(nproc) cores; photo: $(du -h "$photo" | cut -f1) JPEG 4000x3000; sharp $(node -p "require('$here/node_modules/sharp/package.json').version")"
# Warm-up and output sanity check (four WebPs, and our JPEG fallback).
"$ours" ONE "$photo" "$work/out-ours" >/dev/null
node "$here/sharp_bench.mjs" "$photo" "$work/out-sharp" >/dev/null

declare -A cmd=(
  [ours]="$ours ONE $photo $work/out-ours"
  [sharp]="node $here/sharp_bench.mjs $photo $work/out-sharp one-decode"
  [sharp-clone]="node $here/sharp_bench.mjs $photo $work/out-sharp clone"
)
declare -A wall rss
for name in ours sharp sharp-clone; do
  hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/$name.json" "${cmd[$name]}" >/dev/null
  wall[$name]=$(node -p "require('$work/$name.json').results[0].median.toFixed(3)")
  peak=0
  for _ in 1 2 3; do
    kb=$( { /usr/bin/time -f "%M" ${cmd[$name]} >/dev/null; } 2>&1 | tail -1)
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  rss[$name]=$((peak / 1024))
done

ratio() { node -p "($1 / $2).toFixed(2)"; }
echo
printf "%-34s %12s %14s\n" "one 12 MP JPEG -> 4 WebP widths" "wall (median)" "peak RSS"
for name in ours sharp sharp-clone; do
  printf "%-34s %11ss %11s MB\n" "$name" "${wall[$name]}" "${rss[$name]}"
done
printf "%-34s %12s %14s\n" "ours / sharp (one decode)" "$(ratio "${wall[ours]}" "${wall[sharp]}")x" "$(ratio "${rss[ours]}" "${rss[sharp]}")x"
printf "%-34s %12s %14s\n" "ours / sharp (clone)" "$(ratio "${wall[ours]}" "${wall[sharp-clone]}")x" "$(ratio "${rss[ours]}" "${rss[sharp-clone]}")x"
echo "(ours also writes the 1280 JPEG fallback and computes the placeholder; sharp writes only the WebPs)"

echo
rm -rf "$work/batch"
out=$( { /usr/bin/time -f "peak %M" "$ours" BATCH "$photo" "$work/batch" "$batch" "$threads"; } 2>&1 )
echo "$out" | grep '^batch'
echo "batch peak RSS: $(( $(echo "$out" | sed -n 's/^peak //p') / 1024 )) MB"
rm -rf "$work/batch"
