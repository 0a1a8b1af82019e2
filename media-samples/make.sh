#!/bin/sh
# Regenerates the synthetic media samples with the FFmpeg command line. Every sample here
# is made by this script or written by the Piazza developers (see MANIFEST).
set -eu
cd "$(dirname "$0")"
ffmpeg -v error -y -f lavfi -i "gradients=size=1600x1067:c0=0x1b3a5c:c1=0xe07a2f:c2=0xf6d38a:x0=0:y0=0:x1=1600:y1=1067:nb_colors=3:seed=7" \
  -frames:v 1 -q:v 5 tramonto-sul-nera.jpg
ffmpeg -v error -y -f lavfi -i "mandelbrot=size=1200x800:start_scale=1.2:end_scale=1.2:outer=normalized_iteration_count" \
  -frames:v 1 -q:v 4 frattale-del-quartiere.jpg
ffmpeg -v error -y -f lavfi -i "mandelbrot=size=640x360:rate=25:start_scale=3:end_scale=0.6" \
  -f lavfi -i "sine=frequency=330:sample_rate=48000,volume=0.3" -t 4 \
  -c:v libx264 -preset veryfast -crf 30 -pix_fmt yuv420p -c:a aac -b:a 64k -shortest -movflags +faststart la-fontana.mp4
# A spoken poem: espeak-ng (Debian's package) reads la-voce-del-fiume.txt in Italian; FFmpeg
# makes it a small Ogg Vorbis memo, quieter than the platform's loudness target on purpose.
espeak-ng -v it -s 135 -w la-voce-del-fiume.wav -f la-voce-del-fiume.txt
ffmpeg -v error -y -i la-voce-del-fiume.wav -af "volume=-12dB" -ac 1 -c:a libvorbis -q:a 3 la-voce-del-fiume.ogg
rm la-voce-del-fiume.wav
