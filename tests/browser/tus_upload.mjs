// Sends a file to Piazza's tus endpoint with tus-js-client (the tus project's JavaScript
// client) in Node.js, as a phone app or a script would, for tests/api/tus_js.rs. Not a
// browser test; it lives here because tests/browser/node_modules holds tus-js-client.
//
//     node tus_upload.mjs '<job as JSON>'
//
// The job: file (a path, read through fs.ReadStream, so the client re-reads any offset it
// resumes from), token (sent as a bearer token), chunkSize, retryDelays, and either
// endpoint (…/api/v1/uploads: a new upload, with metadata) or uploadUrl (going on with an
// upload; with an endpoint too, the client makes a new upload when that one cannot be
// resumed). Optional: checksums (a correct `Upload-Checksum: sha1 …` on every PATCH),
// wrongChecksumAt (the PATCH at this offset carries the sha1 of other bytes instead) and
// stopAfterChunks (the client stops, as a closed app would, once that many chunks are in).
//
// Prints one JSON line per request sent (with its Upload-Offset) and per answer received
// (its status, the request's offset as `from`, the answer's as `offset`), then one line with the
// outcome: success, stopped or error (with the status the server gave, if any). Exits 0
// in every case: what the outcome should have been is for the Rust test to say.
import { createHash } from 'node:crypto';
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import * as tus from 'tus-js-client';

const job = JSON.parse(process.argv[2]);
const size = statSync(job.file).size;

function print(line) {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

// The bytes a PATCH at `offset` sends: the client cuts chunks at multiples of chunkSize
// from wherever it resumed, so the chunk is whatever follows the offset, up to one chunk.
function chunkAt(offset) {
  const length = Math.min(job.chunkSize, size - offset);
  const bytes = Buffer.alloc(length);
  const fd = openSync(job.file, 'r');
  try {
    readSync(fd, bytes, 0, length, offset);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

function sha1(bytes) {
  return createHash('sha1').update(bytes).digest('base64');
}

const outcome = await new Promise((resolve) => {
  let chunks = 0;
  const upload = new tus.Upload(createReadStream(job.file), {
    endpoint: job.endpoint ?? null,
    uploadUrl: job.uploadUrl ?? null,
    chunkSize: job.chunkSize,
    retryDelays: job.retryDelays,
    metadata: job.metadata ?? {},
    headers: { Authorization: `Bearer ${job.token}` },
    // Nothing is remembered between runs: the test says which upload to go on with.
    storeFingerprintForResuming: false,
    onBeforeRequest(req) {
      const method = req.getMethod();
      const offset = req.getHeader('Upload-Offset');
      const line = { event: 'request', method, url: req.getURL(), offset: offset === undefined ? null : Number(offset) };
      if (method === 'PATCH' && Number(offset) === job.wrongChecksumAt) {
        // A well-formed sha1, of other bytes.
        req.setHeader('Upload-Checksum', `sha1 ${sha1(Buffer.from('not the bytes of this chunk'))}`);
        line.checksum = 'wrong';
      } else if (method === 'PATCH' && job.checksums) {
        req.setHeader('Upload-Checksum', `sha1 ${sha1(chunkAt(Number(offset)))}`);
        line.checksum = 'right';
      }
      print(line);
    },
    onAfterResponse(req, res) {
      const from = req.getHeader('Upload-Offset');
      const offset = res.getHeader('Upload-Offset');
      print({
        event: 'response',
        method: req.getMethod(),
        url: req.getURL(),
        status: res.getStatus(),
        from: from === undefined ? null : Number(from),
        offset: offset === undefined ? null : Number(offset),
      });
    },
    onChunkComplete(_chunkSize, accepted) {
      chunks += 1;
      if (job.stopAfterChunks !== undefined && chunks >= job.stopAfterChunks) {
        // `false`: the upload stays on the server, to be resumed.
        upload.abort(false).then(() => resolve({ event: 'stopped', url: upload.url, offset: accepted }));
      }
    },
    onSuccess() {
      resolve({ event: 'success', url: upload.url });
    },
    onError(error) {
      const status = error.originalResponse ? error.originalResponse.getStatus() : null;
      resolve({ event: 'error', url: upload.url, status, message: String(error.message ?? error) });
    },
  });
  upload.start();
});
print(outcome);
// An aborted upload may leave its file open; the outcome is all there is to say.
process.exit(0);
