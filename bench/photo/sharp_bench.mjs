// The same job as workers/examples/photo_bench.rs, done by sharp (libvips):
//   node sharp_bench.mjs <photo> <out_dir> [one-decode|clone]
// one-decode: the photo is decoded once to raw pixels, then the four widths are resized
//             and encoded from that buffer in parallel (what our engine does);
// clone:      sharp's usual idiom, one pipeline per width from the file; libvips then
//             shrinks JPEGs while decoding (DCT scaling) for the smaller widths.
import sharp from 'sharp';
import { mkdirSync } from 'node:fs';

const [input, outDir, mode = 'one-decode'] = process.argv.slice(2);
const widths = [320, 640, 1280, 2048];
mkdirSync(outDir, { recursive: true });
const started = process.hrtime.bigint();

if (mode === 'clone') {
  const img = sharp(input).rotate();
  await Promise.all(widths.map((w) =>
    img.clone().resize({ width: w, withoutEnlargement: true }).webp({ quality: 80 }).toFile(`${outDir}/w${w}.webp`)));
} else {
  const { data, info } = await sharp(input).rotate().raw().toBuffer({ resolveWithObject: true });
  const raw = { width: info.width, height: info.height, channels: info.channels };
  await Promise.all(widths.map((w) =>
    sharp(data, { raw }).resize({ width: w, withoutEnlargement: true }).webp({ quality: 80 }).toFile(`${outDir}/w${w}.webp`)));
}
console.log(`sharp ${mode}: ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(3)} s`);
