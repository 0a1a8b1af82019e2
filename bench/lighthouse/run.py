"""Lighthouse on the demo's pages (see run.sh)."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
GOALS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


def main():
    binary, scratch = sys.argv[1], sys.argv[2]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PIAZZA_DATA_DIR=os.path.join(scratch, "data"), PIAZZA_BIND=f"127.0.0.1:{port}", PIAZZA_LOG="warn")
    subprocess.run([binary, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                get(base + "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        call = get(base + "/calls/la-voce-del-fiume")
        cards = dict((title, href) for href, title in re.findall(r'<a href="(/works/[0-9a-f]+)">.*?<span class="card-title">([^<]+)</span>', call, re.S))
        pages = [
            ("home", "/"),
            ("call", "/calls/la-voce-del-fiume"),
            ("photo", cards["Tramonto sul Nera"]),
            ("film", cards["La fontana"]),
            ("poem", cards["Il fiume conosce i nomi"]),
        ]
        lighthouse = os.path.join(HERE, "node_modules", ".bin", "lighthouse")
        flags = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
        print(f"Lighthouse 12.2.3, Chromium {subprocess.run(['/usr/bin/chromium', '--version'], capture_output=True, text=True).stdout.split()[1]}, mobile, simulated throttling")
        print(f"{'page':<7} {'performance':>12} {'accessibility':>14} {'best practices':>15} {'SEO':>5} {'bytes on first load':>20}")
        short = []
        for name, path in pages:
            report = os.path.join(scratch, f"{name}.json")
            subprocess.run(
                [lighthouse, base + path, "--quiet", "--output=json", f"--output-path={report}", f"--chrome-flags={flags}",
                 "--only-categories=" + ",".join(CATEGORIES)],
                check=True, env=dict(os.environ, CHROME_PATH="/usr/bin/chromium"),
            )
            with open(report) as f:
                result = json.load(f)
            scores = {c: round(result["categories"][c]["score"] * 100) for c in CATEGORIES}
            weight = result["audits"]["total-byte-weight"]["numericValue"]
            print(f"{name:<7} {scores['performance']:>12} {scores['accessibility']:>14} {scores['best-practices']:>15} {scores['seo']:>5} {weight:>20.0f}")
            for c in CATEGORIES:
                if scores[c] < GOALS[c]:
                    failed = [a["title"] for a in (result["audits"][r["id"]] for r in result["categories"][c]["auditRefs"]) if a.get("score") is not None and a["score"] < 1]
                    short.append(f"{name} {c} {scores[c]}: {'; '.join(failed[:6])}")
        for line in short:
            print("below the goal:", line)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
