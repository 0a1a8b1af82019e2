"""Measures sign-in and home-page latency idle and during two film transcodes, and the
reset form's two answers. Standard library only; starts its own server on a temp dir."""

import http.client, json, os, re, socket, statistics, subprocess, sys, tempfile, time, urllib.parse, uuid

BIN = sys.argv[1]
FILM_SECONDS = int(os.environ.get("FILM_SECONDS", "120"))
SAMPLES = int(os.environ.get("SAMPLES", "40"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def request(port, method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def timed(fn):
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    data = tempfile.mkdtemp(prefix="piazza-bench-")
    port = free_port()
    env = dict(os.environ, PIAZZA_DATA_DIR=data, PIAZZA_BIND=f"127.0.0.1:{port}", PIAZZA_JOB_CONCURRENCY="2",
               PIAZZA_TRUST_PROXY="true", PIAZZA_LOG="warn", PIAZZA_MAX_UPLOAD_BYTES=str(2 * 1024**3))
    subprocess.run([BIN, "migrate"], env=env, check=True)
    password = "una passeggiata in piazza"
    for email, role in (("bench@example.org", "citizen"), ("curator@example.org", "curator")):
        subprocess.run([BIN, "user", "add", "--email", email, "--name", "Bench", "--role", role, "--password-stdin"],
                       env=env, input=password.encode(), check=True, capture_output=True)
    token = subprocess.run([BIN, "token", "create", "--email", "bench@example.org"], env=env, check=True,
                           capture_output=True).stdout.decode().split()[-1]
    curator = subprocess.run([BIN, "token", "create", "--email", "curator@example.org"], env=env, check=True,
                             capture_output=True).stdout.decode().split()[-1]
    server = subprocess.Popen([BIN, "serve"], env=env)
    try:
        for _ in range(200):
            try:
                if request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        now = time.time()
        iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        call = {"slug": "bench", "title": "Bench", "description": "Bench", "question": "?", "kinds": ["film"],
                "opens_at": iso(now - 86400), "closes_at": iso(now + 86400)}
        status, body = request(port, "POST", "/api/v1/calls", json.dumps(call),
                               {"Authorization": f"Bearer {curator}", "Content-Type": "application/json"})
        assert status == 201, body

        counter = [0]

        def sign_in():
            # A new client address each time: the per-address limit is not what is measured.
            counter[0] += 1
            form = urllib.parse.urlencode({"email": "bench@example.org", "password": password})
            status, _ = request(port, "POST", "/signin", form, {
                "Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{port}",
                "X-Forwarded-For": f"10.{counter[0] // 65536 % 256}.{counter[0] // 256 % 256}.{counter[0] % 256}"})
            assert status == 303, status

        def home():
            assert request(port, "GET", "/")[0] == 200

        def measure(label):
            signin = [timed(sign_in) for _ in range(SAMPLES)]
            pages = [timed(home) for _ in range(SAMPLES * 3)]
            print(f"{label:>22}: sign-in p50 {pct(signin, 50):7.1f} ms  p99 {pct(signin, 99):7.1f} ms | "
                  f"home p50 {pct(pages, 50):6.1f} ms  p99 {pct(pages, 99):6.1f} ms", flush=True)
            return pct(signin, 99), pct(pages, 99)

        idle_signin, idle_home = measure("idle")

        # The reset form: an address with an account and one without, interleaved.
        with_account, without = [], []
        for n in range(SAMPLES * 2):
            for email, sink in (("bench@example.org", with_account), (f"nobody{n}@example.org", without)):
                counter[0] += 1
                form = urllib.parse.urlencode({"email": email})
                headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{port}",
                           "Host": f"127.0.0.1:{port}", "X-Forwarded-For": f"10.200.{counter[0] // 256 % 256}.{counter[0] % 256}"}
                sink.append(timed(lambda: request(port, "POST", "/reset-password", form, headers)))
        a, b = statistics.median(with_account), statistics.median(without)
        print(f"reset form: with an account median {a:.2f} ms, without {b:.2f} ms, ratio {a / b:.2f}")

        film = os.path.join(data, "film.mp4")
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={FILM_SECONDS}",
                        "-f", "lavfi", "-i", f"sine=frequency=440:duration={FILM_SECONDS}", "-c:v", "libx264", "-preset", "ultrafast",
                        "-c:a", "aac", "-shortest", film], check=True)
        ids = []
        for n in range(2):
            boundary = uuid.uuid4().hex
            parts = []
            for k, v in (("call", "bench"), ("kind", "film"), ("title", f"Film {n}"), ("licence", "cc-by-4.0")):
                parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode())
            with open(film, "rb") as f:
                parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.mp4\"\r\nContent-Type: video/mp4\r\n\r\n".encode() + f.read() + b"\r\n")
            parts.append(f"--{boundary}--\r\n".encode())
            status, body = request(port, "POST", "/api/v1/works", b"".join(parts),
                                   {"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
            assert status == 202, body
            ids.append(json.loads(body)["id"])

        def processing():
            for i in ids:
                _, body = request(port, "GET", f"/api/v1/works/{i}", headers={"Authorization": f"Bearer {token}"})
                if json.loads(body)["status"] == "processing":
                    return True
            return False

        time.sleep(3)  # let both transcodes start
        busy_signin, busy_home = measure("two transcodes")
        still = processing()
        print(f"the films were {'still' if still else 'NO LONGER'} transcoding at the end of the measurement")
        print(f"sign-in p99 ratio busy/idle: {busy_signin / idle_signin:.2f}x (goal <= 4x); "
              f"home p99 busy: {busy_home:.1f} ms (goal <= 50 ms)")
    finally:
        server.terminate()
        server.wait(timeout=60)


main()
