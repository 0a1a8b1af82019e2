"""Anonymous pages: Piazza against nginx serving the same bytes (see run.sh).

Starts `piazza serve` on a scratch data dir loaded with the demo, reads the pages it
measures (home, the demo call, a work of it, a search), writes those exact bytes under an
nginx root, starts nginx on its own configuration, then runs wrk against each page on both
servers in turn and prints the figures.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

DURATION_S = int(os.environ.get("DURATION_S", "10"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "32"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"bench: {url} did not answer")


def fetch(url):
    # As wrk asks: no Accept-Encoding, no cookie.
    with urllib.request.urlopen(urllib.request.Request(url), timeout=10) as r:
        return r.read(), r.headers.get("Content-Type", "")


def wrk(url):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION_S}s", "--latency", url],
        check=True, capture_output=True, text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        sys.exit(f"bench: {url} answered {errors.group(1)} errors:\n{out}")

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return rps, pct(50), pct(99)


def main():
    binary, scratch = sys.argv[1], sys.argv[2]
    data = os.path.join(scratch, "data")
    www = os.path.join(scratch, "www")
    port, nginx_port = free_port(), free_port()
    env = dict(os.environ, PIAZZA_DATA_DIR=data, PIAZZA_BIND=f"127.0.0.1:{port}", PIAZZA_LOG="warn")
    subprocess.run([binary, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    nginx = None
    try:
        base = f"http://127.0.0.1:{port}"
        wait_up(base + "/healthz")
        home, _ = fetch(base + "/")
        call = re.search(rb'href="(/calls/[a-z0-9-]+)"', home).group(1).decode()
        call_page, _ = fetch(base + call)
        work = re.search(rb'href="(/works/[0-9a-f]+)"', call_page).group(1).decode()
        pages = [("home", "/"), ("a call", call), ("a work", work), ("search", "/search?q=fiume")]

        # The same bytes on disk, each where nginx finds it for the same path.
        for _, path in pages:
            body, kind = fetch(base + path)
            assert kind.startswith("text/html"), (path, kind)
            target = path.split("?")[0].strip("/")
            target = os.path.join(www, target, "index.html") if target else os.path.join(www, "index.html")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(body)
        conf = os.path.join(scratch, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""
worker_processes auto;
pid {scratch}/nginx.pid;
error_log {scratch}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    default_type "text/html; charset=utf-8";
    client_body_temp_path {scratch}/nginx-body;
    proxy_temp_path {scratch}/nginx-proxy;
    fastcgi_temp_path {scratch}/nginx-fastcgi;
    uwsgi_temp_path {scratch}/nginx-uwsgi;
    scgi_temp_path {scratch}/nginx-scgi;
    server {{
        listen 127.0.0.1:{nginx_port};
        root {www};
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
""")
        nginx = subprocess.Popen(["nginx", "-c", conf, "-p", scratch, "-g", "daemon off;"])
        wait_up(f"http://127.0.0.1:{nginx_port}/")
        for _, path in pages:
            ours, _ = fetch(base + path)
            theirs, _ = fetch(f"http://127.0.0.1:{nginx_port}{path}")
            assert ours == theirs, f"{path}: nginx does not serve the same bytes"

        print(f"wrk -t2 -c{CONNECTIONS} -d{DURATION_S}s --latency, one page at a time, Piazza then nginx")
        print(f"{'page':<10} {'bytes':>7} {'Piazza req/s':>13} {'p50 ms':>7} {'p99 ms':>7} {'nginx req/s':>12} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6}")
        ratios = []
        for name, path in pages:
            size = len(fetch(base + path)[0])
            ours = wrk(base + path)
            theirs = wrk(f"http://127.0.0.1:{nginx_port}{path}")
            ratio = ours[0] / theirs[0]
            ratios.append(ratio)
            print(f"{name:<10} {size:>7} {ours[0]:>13.0f} {ours[1]:>7.2f} {ours[2]:>7.2f} {theirs[0]:>12.0f} {theirs[1]:>7.2f} {theirs[2]:>7.2f} {ratio:>6.2f}")
        print(f"lowest ratio {min(ratios):.2f} (goal >= 0.5)")
    finally:
        for p in (server, nginx):
            if p is not None:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout=30)


if __name__ == "__main__":
    main()
