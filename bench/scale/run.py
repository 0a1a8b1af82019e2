#!/usr/bin/env python3
"""Scale-out benchmarks for Piazza (issue: scale-out). Prints figures, asserts nothing.

1. Upload throughput of a 1 GiB film through `piazza serve` into SeaweedFS, against a
   direct multipart upload of the same file to the same server with boto3, and the
   app's peak memory growth during the upload.
2. Processing throughput with 1, 2 and 3 `piazza worker` processes over PostgreSQL and
   SeaweedFS on this machine.

Run from the repository root: bench/scale/run.sh
"""
import json, os, random, shutil, signal, socket, subprocess, sys, tempfile, time
import boto3, requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
PROFILE = os.environ.get("PIAZZA_BENCH_PROFILE", "debug")
BIN = os.path.join(TARGET, PROFILE, "piazza")
PG_ADMIN = os.environ.get("PIAZZA_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SIZE_MIB = int(os.environ.get("PIAZZA_BENCH_UPLOAD_MIB", "1024"))


def free_pair():
    while True:
        p = random.randint(20000, 44000)
        ok = True
        for q in (p, p + 10000):
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", q))
            except OSError:
                ok = False
            finally:
                s.close()
        if ok:
            return p


class Weed:
    def __init__(self, workdir):
        self.ports = [free_pair() for _ in range(4)]
        self.endpoint = f"http://127.0.0.1:{self.ports[3]}"
        log = open(os.path.join(workdir, "weed.log"), "w")
        m, v, f, s3 = self.ports
        self.proc = subprocess.Popen(["weed", "server", f"-dir={workdir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-s3",
                                      "-master.volumeSizeLimitMB=1024", "-volume.max=20", "-s3.port.iceberg=0", "-s3.port.lance=0", f"-master.port={m}",
                                      f"-volume.port={v}", f"-filer.port={f}", f"-s3.port={s3}"], stdout=log, stderr=log)
        self.s3 = boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id="k", aws_secret_access_key="s",
                               region_name="us-east-1")
        for _ in range(240):
            try:
                self.s3.create_bucket(Bucket="probe")
                self.s3.put_object(Bucket="probe", Key="ready", Body=b"ok")
                return
            except Exception:
                time.sleep(0.25)
        raise SystemExit("SeaweedFS did not start")

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def psql(sql):
    subprocess.run(["psql", PG_ADMIN, "-q", "-c", sql], check=True, stdout=subprocess.DEVNULL)


def make_big_film(path, mib):
    """A real 2-second MP4 followed by a large `free` box: every demuxer skips it, so the
    file is a valid film of the wanted size without minutes of encoding."""
    small = path + ".small.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "2",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart", small], check=True)
    pad = mib * 1024 * 1024 - os.path.getsize(small)
    with open(path, "wb") as out, open(small, "rb") as src:
        shutil.copyfileobj(src, out)
        out.write((pad).to_bytes(4, "big") + b"free")
        chunk = os.urandom(8 * 1024 * 1024)
        left = pad - 8
        while left > 0:
            n = min(left, len(chunk))
            out.write(chunk[:n])
            left -= n
    os.remove(small)


def env_for(node_dir, db_url, weed, extra=None):
    env = dict(os.environ)
    env.pop("PIAZZA_CONFIG", None)
    env.update({"PIAZZA_DATA_DIR": node_dir, "PIAZZA_DATABASE_URL": db_url, "PIAZZA_BIND": "127.0.0.1:0",
                "PIAZZA_STORAGE": "s3", "PIAZZA_S3_ENDPOINT": weed.endpoint, "PIAZZA_S3_BUCKET": "bench",
                "PIAZZA_S3_ACCESS_KEY_ID": "k", "PIAZZA_S3_SECRET_ACCESS_KEY": "s", "PIAZZA_LOG": "warn,piazza=info",
                "PIAZZA_MAX_UPLOAD_BYTES": str(4 * 1024 ** 3), "PIAZZA_JOB_CONCURRENCY": "1"})
    env.update(extra or {})
    return env


def start_web(node_dir, db_url, weed):
    # The log goes to a file: a pipe nobody drains would fill up and stall the server.
    log_path = node_dir + ".log"
    proc = subprocess.Popen([BIN, "serve", "--no-jobs"], env=env_for(node_dir, db_url, weed), stderr=open(log_path, "w"))
    for _ in range(600):
        with open(log_path) as log:
            for line in log:
                if "piazza is listening" in line:
                    return proc, "http://" + line.split("address=")[1].split()[0]
        time.sleep(0.1)
    raise SystemExit("web node did not start")


def cli(args, node_dir, db_url, weed):
    return subprocess.run([BIN] + args, env=env_for(node_dir, db_url, weed), check=True, capture_output=True, text=True).stdout


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    if not os.path.exists(BIN):
        raise SystemExit(f"build first: cargo build --bin piazza ({BIN} missing)")
    work = tempfile.mkdtemp(prefix="piazza-bench-")
    db = f"piazza_bench_{os.getpid()}"
    psql(f"create database {db}")
    db_url = PG_ADMIN.rsplit("/", 1)[0] + "/" + db
    os.makedirs(os.path.join(work, "weed"))
    weed = Weed(os.path.join(work, "weed"))
    procs = []
    try:
        admin = os.path.join(work, "admin")
        cli(["migrate"], admin, db_url, weed)
        cli(["user", "add", "--email", "bench@example.org", "--name", "Bench", "--role", "curator"], admin, db_url, weed)
        token = cli(["token", "create", "--email", "bench@example.org"], admin, db_url, weed).strip()
        web, base = start_web(os.path.join(work, "web"), db_url, weed)
        procs.append(web)
        auth = {"Authorization": f"Bearer {token}"}
        r = requests.post(f"{base}/api/v1/calls", headers=auth, json={
            "slug": "bench", "title": "Bench", "question": "?", "kinds": ["photo", "film", "poem"],
            "opens_at": "2020-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z"})
        r.raise_for_status()

        # 1. Upload throughput.
        big = os.path.join(work, "big.mp4")
        make_big_film(big, SIZE_MIB)
        size = os.path.getsize(big)
        weed.s3.create_bucket(Bucket="direct")
        t = time.monotonic()
        weed.s3.upload_file(big, "direct", "big.mp4")
        direct_s = time.monotonic() - t
        rss_before = rss_kib(web.pid)
        t = time.monotonic()
        # curl streams the file from disk; Python's requests would first read it all into memory.
        out = subprocess.run(["curl", "-sS", "-o", "/dev/stderr", "-w", "%{http_code}", "-H", f"Authorization: Bearer {token}",
                              "-F", "call=bench", "-F", "kind=film", "-F", "title=Grande", "-F", "licence=cc0-1.0",
                              "-F", f"file=@{big};type=video/mp4", f"{base}/api/v1/works"], capture_output=True, text=True)
        app_s = time.monotonic() - t
        if out.stdout.strip() != "202":
            raise SystemExit(f"upload refused: {out.stdout} {out.stderr}")
        growth_mib = (peak_rss_kib(web.pid) - rss_before) / 1024
        mib = size / 1024 / 1024
        print(f"\n1 GiB upload into SeaweedFS ({mib:.0f} MiB)")
        print(f"{'path':<34}{'seconds':>9}{'MiB/s':>9}")
        print(f"{'boto3 upload_file (direct)':<34}{direct_s:>9.2f}{mib / direct_s:>9.1f}")
        print(f"{'through piazza serve':<34}{app_s:>9.2f}{mib / app_s:>9.1f}")
        print(f"ratio app/direct throughput: {direct_s / app_s:.2f} (goal >= 0.80)")
        print(f"app peak RSS growth during the upload: {growth_mib:.1f} MiB (goal < 64)")

        if os.environ.get("PIAZZA_BENCH_SKIP_WORKERS") == "1":
            return
        # 2. Processing throughput with 1, 2, 3 workers.
        photo = os.path.join(work, "photo.jpg")
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=2400x1600", "-frames:v", "1", photo], check=True)
        clip = os.path.join(work, "clip.mp4")
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-f", "lavfi",
                        "-i", "sine", "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", clip], check=True)
        print("\nprocessing throughput (batch of 24 photos 2400x1600 + 4 films 720p 4 s; each worker runs 1 job at a time)")
        print(f"{'workers':>8}{'seconds':>9}{'works/s':>9}{'speed-up':>10}")
        first = None
        for n in (1, 2, 3):
            ids = []
            for i in range(28):
                kind, path, name = ("film", clip, "c.mp4") if i % 7 == 0 else ("photo", photo, "p.jpg")
                with open(path, "rb") as f:
                    r = requests.post(f"{base}/api/v1/works", headers=auth, files={
                        "call": (None, "bench"), "kind": (None, kind), "title": (None, f"w{n}-{i}"),
                        "licence": (None, "cc0-1.0"), "alt_text": (None, "una foto"), "file": (name, f)})
                r.raise_for_status()
                ids.append(r.json()["id"])
            workers = [subprocess.Popen([BIN, "worker"], env=env_for(os.path.join(work, f"w{n}-{k}"), db_url, weed),
                                        stderr=open(os.path.join(work, f"worker-{n}-{k}.log"), "w")) for k in range(n)]
            t = time.monotonic()
            while True:
                left = [i for i in ids if requests.get(f"{base}/api/v1/works/{i}", headers=auth).json()["status"] == "processing"]
                if not left:
                    break
                if time.monotonic() - t > 600:
                    raise SystemExit(f"workers stalled; see {work}/worker-*.log")
                time.sleep(0.2)
            elapsed = time.monotonic() - t
            for w in workers:
                w.send_signal(signal.SIGTERM)
            for w in workers:
                w.wait()
            first = first or elapsed
            print(f"{n:>8}{elapsed:>9.2f}{len(ids) / elapsed:>9.2f}{first / elapsed:>10.2f}")
    finally:
        for p in procs:
            p.kill()
        weed.stop()
        psql(f"drop database if exists {db} with (force)")
        if os.environ.get("PIAZZA_BENCH_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
