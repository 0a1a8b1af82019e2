#!/usr/bin/env bash
# Film engine benchmark (not a test): our release build against the ffmpeg CLI.
#   (a) 720p web rendition of a 20 s 1920x1080 H.264/AAC film, same settings as
#       ffmpeg -vf scale=-2:720 -c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p
#              -c:a aac -b:a 128k -movflags +faststart
#       timed on our 720p-only path (film::transcode_web_only), plus the full
#       process_film (720p + 360p + posters) reported separately;
#   (b) poster of a 10-minute 640x360 film (film::extract_poster, writing JPEG and WebP)
#       against ffmpeg -ss 60 -i film -frames:v 1 poster.jpg (60 s = our first candidate,
#       10% of the length).
# Usage, from anywhere:  bench/film/run.sh        (RUNS=5 POSTER_RUNS=30 to change)
# Inputs are generated once into bench/film/.cache (git-ignored). Wall time is measured
# around each process, peak RSS with /usr/bin/time; the CLI and ours alternate, round
# after round, and the ratio is the median of the per-round ratios (robust to load from
# other processes on a shared machine).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="$here/.cache"
runs="${RUNS:-5}"
poster_runs="${POSTER_RUNS:-30}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/piazza-target}"

for tool in ffmpeg awk /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y ffmpeg gawk time)" >&2; exit 1; }
done
mkdir -p "$cache"

hd="$cache/film-1080p-20s.mp4"
if [ ! -f "$hd" ]; then
  echo "generating $hd ..."
  # Stereo 48 kHz sound, as our renditions always are, so that neither side resamples more.
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=1920x1080:rate=30:duration=20" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=20" \
    -ac 2 -c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -c:a aac -b:a 192k "$hd"
fi
long="$cache/film-360p-10min.mp4"
if [ ! -f "$long" ]; then
  echo "generating $long (about a minute) ..."
  # x264 defaults otherwise: B-frames, a key frame at least every 250 pictures (8.3 s).
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=640x360:rate=30:duration=600" \
    -f lavfi -i "sine=frequency=330:sample_rate=48000:duration=600" \
    -c:v libx264 -preset veryfast -b:v 300k -pix_fmt yuv420p -c:a aac -b:a 64k "$long"
fi

(cd "$root" && cargo build --release -q -p piazza-workers --example film_bench)
ours="$CARGO_TARGET_DIR/release/examples/film_bench"
out="$cache/out"
rm -rf "$out" && mkdir -p "$out"

declare -A cmd=(
  [web720-ours]="$ours web720 $hd $out/web720-ours"
  [web720-ffmpeg]="ffmpeg -hide_banner -nostdin -loglevel error -y -i $hd -vf scale=-2:720 -c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p -c:a aac -b:a 128k -movflags +faststart $out/ffmpeg-web.mp4"
  [full-ours]="$ours full $hd $out/ours-full"
  [poster-ours]="$ours poster $long $out/ours-poster"
  [poster-ffmpeg]="ffmpeg -hide_banner -nostdin -loglevel error -y -ss 60 -i $long -frames:v 1 $out/ffmpeg-poster.jpg"
)

# Interleaved: each round runs the CLI then ours, so that load from other processes on a
# shared machine hits both alike; the ratio is the median of the per-round ratios.
samples="$out/samples.txt"
: >"$samples"
timed() { # name [record]: one run; when recording, appends "name wall_us peak_rss_kib"
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$out/rss" ${cmd[$1]} >/dev/null 2>"$out/$1.err" || { cat "$out/$1.err" >&2; exit 1; }
  t1=$(date +%s%N)
  [ -z "${2:-}" ] || echo "$1 $(( (t1 - t0) / 1000 )) $(tail -1 "$out/rss")" >>"$samples"
}
rounds() { # rounds warm-up-rounds name...
  local n="$1" warm="$2" i name
  shift 2
  for ((i = 0; i < warm; i++)); do for name in "$@"; do timed "$name"; done; done
  for ((i = 0; i < n; i++)); do for name in "$@"; do timed "$name" record; done; done
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(ffmpeg -version | head -1 | cut -d' ' -f1-3)"
echo "rounds: $runs for the films, $poster_runs for the posters"
rounds "$runs" 1 web720-ffmpeg web720-ours full-ours
rounds "$poster_runs" 3 poster-ffmpeg poster-ours

echo
awk -v pairs="web720-ours:web720-ffmpeg full-ours:web720-ffmpeg poster-ours:poster-ffmpeg" '
  { t[$1, ++n[$1]] = $2 / 1000; rss[$1] = ($3 > rss[$1] ? $3 : rss[$1]) }
  function median(name,   k, m, a, i, j, x) {
    m = n[name]; for (i = 1; i <= m; i++) a[i] = t[name, i]
    for (i = 2; i <= m; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  function stat(name, label, ref,   i, s, mn, r, m, b, j, x) {
    s = 0; mn = 1e18
    for (i = 1; i <= n[name]; i++) { s += t[name, i]; if (t[name, i] < mn) mn = t[name, i] }
    r = "-"
    if (ref != "") {
      # Median of the per-round ratios.
      m = n[name]; for (i = 1; i <= m; i++) b[i] = t[name, i] / t[ref, i]
      for (i = 2; i <= m; i++) { x = b[i]; for (j = i - 1; j >= 1 && b[j] > x; j--) b[j + 1] = b[j]; b[j + 1] = x }
      r = sprintf("%.2f", m % 2 ? b[(m + 1) / 2] : (b[m / 2] + b[m / 2 + 1]) / 2)
    }
    printf "%-48s %9.1f %9.1f %9.1f %8d MiB %6s\n", label, median(name), s / n[name], mn, rss[name] / 1024, r
  }
  END {
    printf "%-48s %9s %9s %9s %12s %6s\n", "task", "median ms", "mean ms", "min ms", "peak RSS", "ratio"
    stat("web720-ffmpeg", "720p web rendition: ffmpeg CLI", "")
    stat("web720-ours", "720p web rendition: ours (transcode_web_only)", "web720-ffmpeg")
    stat("full-ours", "process_film (720p + 360p + posters): ours", "web720-ffmpeg")
    stat("poster-ffmpeg", "poster, 10-min film: ffmpeg -ss 60 ... poster.jpg", "")
    stat("poster-ours", "poster, 10-min film: ours (extract_poster)", "poster-ffmpeg")
  }' "$samples"
echo
echo "ratio: median over rounds of ours / ffmpeg CLI wall time (goals: 720p <= 1.05, poster <= 1.00)."
echo "720p film sizes: $(du -b "$out/ffmpeg-web.mp4" | cut -f1) B (ffmpeg CLI), $(du -b "$out/web720-ours/web.mp4" 2>/dev/null | cut -f1) B (ours)."
