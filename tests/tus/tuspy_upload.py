"""Sends a file to Piazza's tus endpoint with tuspy, the tus project's Python client.

    tuspy_upload.py start  TOKEN FILE CHUNK CHUNKS ENDPOINT CALL KIND
        creates the upload at ENDPOINT (…/api/v1/uploads) with the call and kind in its
        metadata, sends CHUNKS chunks of CHUNK bytes, prints the upload's address
    tuspy_upload.py resume TOKEN FILE CHUNK URL BASE [BASE...]
        goes on with the upload at URL from the offset the server reports, sending each
        chunk through the next BASE in turn (several web nodes behind one address), with
        a sha1 checksum on every chunk; prints the offset after each chunk

Every request carries the token as a bearer token. Exits non-zero on any failure.
"""

import json
import os
import sys
from urllib.parse import urlsplit

from tusclient import client


def main(argv):
    mode, token, path, chunk = argv[1], argv[2], argv[3], int(argv[4])
    headers = {"Authorization": "Bearer " + token}
    if mode == "start":
        chunks, endpoint, call, kind = int(argv[5]), argv[6], argv[7], argv[8]
        tus = client.TusClient(endpoint, headers=headers)
        metadata = {"filename": os.path.basename(path), "filetype": "video/mp4", "call": call, "kind": kind}
        uploader = tus.uploader(path, chunk_size=chunk, metadata=metadata, upload_checksum=True)
        for _ in range(chunks):
            uploader.upload_chunk()
        print(json.dumps({"url": uploader.url, "offset": uploader.offset}))
        return 0
    if mode == "resume":
        url, bases = argv[5], argv[6:]
        upload_path = urlsplit(url).path
        size = os.path.getsize(path)
        turn = 0
        while True:
            base = bases[turn % len(bases)]
            tus = client.TusClient(base + "/api/v1/uploads", headers=headers)
            # A new uploader asks this node where the upload stands (HEAD) before sending.
            uploader = tus.uploader(path, url=base + upload_path, chunk_size=chunk, upload_checksum=True)
            if uploader.offset >= size:
                break
            uploader.upload_chunk()
            print(json.dumps({"node": turn % len(bases), "offset": uploader.offset}), flush=True)
            turn += 1
        return 0
    print("unknown mode " + mode, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
