"""Resumable uploads into SeaweedFS: one file through `piazza serve` over tus in 8 MiB
chunks, and the same file straight to the same S3 server with boto3, in alternating rounds.

    run.py PIAZZA_BINARY SCRATCH_DIR

Starts SeaweedFS (`weed server -s3`) and Piazza (SQLite, media on S3) on free ports in
SCRATCH_DIR and stops both at the end. Prints MB/s (10^6 bytes a second) for each upload,
the median of the per-round ratios tus/boto3, and the web node's resident memory before the
first upload, at its peak (VmHWM, reset just before the first upload) and the growth.
"""

import base64
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

import boto3
import botocore.config
import requests
from boto3.s3.transfer import TransferConfig

MIB = 1024 * 1024
SIZE = int(os.environ.get("SIZE_MIB", "1024")) * MIB
ROUNDS = int(os.environ.get("ROUNDS", "3"))
CHUNK = 8 * MIB
BUCKET = "bench"
TUS = {"Tus-Resumable": "1.0.0"}


def free_port(taken):
    """A free port whose +10000 companion (SeaweedFS's gRPC port) is free too."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + 10000 > 65535 or port in taken or port + 10000 in taken:
            continue
        try:
            with socket.socket() as s:
                s.bind(("127.0.0.1", port + 10000))
        except OSError:
            continue
        taken.add(port)
        taken.add(port + 10000)
        return port


def proc_status(pid, field):
    """A field of /proc/PID/status in MiB (the kernel gives kB)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(field)


def wait_until(what, check, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except Exception:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"{what} did not become ready in {seconds} s")
        time.sleep(0.25)


def b64(text):
    return base64.b64encode(text.encode()).decode()


def tus_upload(session, base, token, path, n):
    """POST, then one PATCH per 8 MiB over the session's one keep-alive connection."""
    auth = {"Authorization": f"Bearer {token}", **TUS}
    started = time.perf_counter()
    metadata = f"call {b64(BUCKET)},kind {b64('film')},filename {b64(f'bench-{n}.mp4')},filetype {b64('video/mp4')}"
    created = session.post(f"{base}/api/v1/uploads", headers={**auth, "Upload-Length": str(SIZE), "Upload-Metadata": metadata})
    assert created.status_code == 201, (created.status_code, created.text)
    location = created.headers["Location"]
    offset = 0
    with open(path, "rb") as f:
        while offset < SIZE:
            chunk = f.read(CHUNK)
            answer = session.patch(f"{base}{location}", data=chunk, headers={
                **auth, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"})
            assert answer.status_code == 204, (answer.status_code, answer.text)
            offset = int(answer.headers["Upload-Offset"])
    elapsed = time.perf_counter() - started
    # Terminated, so that its object does not stay in the store (nor count as an open upload).
    gone = session.delete(f"{base}{location}", headers=auth)
    assert gone.status_code == 204, (gone.status_code, gone.text)
    return SIZE / elapsed / 1e6


def boto3_upload(s3, path, n):
    """boto3's own `upload_file` with its default TransferConfig: 8 MiB parts, 10 threads."""
    key = f"direct/bench-{n}"
    started = time.perf_counter()
    s3.upload_file(path, BUCKET, key, Config=TransferConfig())
    elapsed = time.perf_counter() - started
    s3.delete_object(Bucket=BUCKET, Key=key)
    return SIZE / elapsed / 1e6


def main():
    binary, scratch = sys.argv[1], sys.argv[2]
    # A TERM (the shell's trap) runs the `finally` below like any other way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    children = []
    try:
        taken = set()
        master, volume, filer, s3_port = (free_port(taken) for _ in range(4))
        weed_dir = os.path.join(scratch, "weed")
        os.makedirs(weed_dir)
        weed_log = open(os.path.join(scratch, "weed.log"), "wb")
        # As the tests start it (tests/api/seaweed.rs), with volumes large enough for the run.
        children.append(subprocess.Popen(
            ["weed", "server", f"-dir={weed_dir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-s3",
             "-master.volumeSizeLimitMB=1024", "-volume.max=100", "-s3.port.iceberg=0", "-s3.port.lance=0",
             f"-master.port={master}", f"-volume.port={volume}", f"-filer.port={filer}", f"-s3.port={s3_port}"],
            stdout=weed_log, stderr=weed_log))
        endpoint = f"http://127.0.0.1:{s3_port}"
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="bench",
                          aws_secret_access_key="bench-secret",
                          config=botocore.config.Config(s3={"addressing_style": "path"}, max_pool_connections=16))

        def bucket_ready():
            try:
                s3.create_bucket(Bucket=BUCKET)
            except s3.exceptions.BucketAlreadyOwnedByYou:
                pass
            s3.put_object(Bucket=BUCKET, Key="ready", Body=b"ok")
            return True

        wait_until("SeaweedFS", bucket_ready, 120)

        port = free_port(taken)
        base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, PIAZZA_DATA_DIR=os.path.join(scratch, "piazza"), PIAZZA_BIND=f"127.0.0.1:{port}",
                   PIAZZA_LOG="warn", PIAZZA_STORAGE="s3", PIAZZA_S3_ENDPOINT=endpoint, PIAZZA_S3_BUCKET=BUCKET,
                   PIAZZA_S3_ACCESS_KEY_ID="bench", PIAZZA_S3_SECRET_ACCESS_KEY="bench-secret",
                   PIAZZA_S3_PREFIX="piazza/", PIAZZA_MAX_UPLOAD_BYTES=str(SIZE + MIB))
        subprocess.run([binary, "migrate"], env=env, check=True, capture_output=True)
        tokens = {}
        for email, role in (("bench@example.org", "citizen"), ("curator@example.org", "curator")):
            subprocess.run([binary, "user", "add", "--email", email, "--name", "Bench", "--role", role, "--password-stdin"],
                           env=env, input=b"una passeggiata in piazza", check=True, capture_output=True)
            tokens[role] = subprocess.run([binary, "token", "create", "--email", email], env=env, check=True,
                                          capture_output=True).stdout.decode().split()[-1]
        server = subprocess.Popen([binary, "serve"], env=env)
        children.append(server)
        session = requests.Session()
        wait_until("piazza", lambda: session.get(f"{base}/healthz").status_code == 200)
        iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        call = {"slug": BUCKET, "title": "Bench", "description": "Bench", "question": "?", "kinds": ["film"],
                "opens_at": iso(time.time() - 86400), "closes_at": iso(time.time() + 86400)}
        made = session.post(f"{base}/api/v1/calls", json=call, headers={"Authorization": f"Bearer {tokens['curator']}"})
        assert made.status_code == 201, made.text

        path = os.path.join(scratch, "upload.bin")
        with open(path, "wb") as f:
            for _ in range(SIZE // (64 * MIB)):
                f.write(os.urandom(64 * MIB))
            f.write(os.urandom(SIZE % (64 * MIB)))

        # The web node's memory from here on: its peak counter restarts now.
        rss_before = proc_status(server.pid, "VmRSS")
        with open(f"/proc/{server.pid}/clear_refs", "w") as f:
            f.write("5")
        sampled = [rss_before]
        sampling = threading.Event()

        def sample():
            while not sampling.wait(0.05):
                sampled.append(proc_status(server.pid, "VmRSS"))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()

        print("load average (1, 5, 15 min) at the start: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
        print(f"{SIZE / MIB:.0f} MiB, tus in {CHUNK // MIB} MiB chunks vs boto3 upload_file (default TransferConfig: "
              f"8 MiB parts, 10 threads), {ROUNDS} rounds, alternating which goes first", flush=True)
        tus, direct = [], []
        for n in range(ROUNDS):
            if n % 2 == 0:
                tus.append(tus_upload(session, base, tokens["citizen"], path, n))
                direct.append(boto3_upload(s3, path, n))
            else:
                direct.append(boto3_upload(s3, path, n))
                tus.append(tus_upload(session, base, tokens["citizen"], path, n))
            print(f"round {n + 1}: tus {tus[-1]:7.1f} MB/s   boto3 {direct[-1]:7.1f} MB/s   ratio {tus[-1] / direct[-1]:.2f}",
                  flush=True)
        sampling.set()
        sampler.join()
        # The kernel folds each thread's page counts into VmHWM lazily: a sample may be a
        # little higher, and the higher of the two is the peak.
        peak = max(proc_status(server.pid, "VmHWM"), max(sampled))
        ratios = [t / d for t, d in zip(tus, direct)]
        print(f"median: tus {statistics.median(tus):.1f} MB/s, boto3 {statistics.median(direct):.1f} MB/s; "
              f"median ratio tus/boto3 {statistics.median(ratios):.2f} (goal >= 0.9)")
        print(f"web node RSS: before {rss_before:.1f} MiB, peak {peak:.1f} MiB (VmHWM since the first upload, or the "
              f"highest VmRSS sampled every 50 ms), growth {peak - rss_before:.1f} MiB (goal < 64 MiB)")
        print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()) +
              f" on {os.cpu_count()} CPUs (other work on the machine slows both kinds of upload)")
    finally:
        for child in reversed(children):
            child.terminate()
        for child in reversed(children):
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


main()
