#!/usr/bin/env python3
"""Piazza's /api/v1/search (with facets) against PostgreSQL full-text search, side by side.

Usage: run.py PIAZZA_BINARY OHA_BINARY. See README.md: one PostgreSQL database holds
100,000 published works of real Italian text (corpus.py); `piazza reindex` is timed; then
the same query list is sent with the same number of clients, for the same time, first to
`piazza serve --no-jobs` over HTTP (oha) as it is configured by default (answers kept while
the index is unchanged), then to the same server keeping nothing, and then to PostgreSQL
(pgbench: `italian` configuration, a GIN index, `ts_rank`, top 20). It prints throughput,
p50 and p99 of each and the ratios. A benchmark, not a test: nothing fails on a slow machine.
"""
import collections, json, os, re, subprocess, sys, tempfile, time, urllib.parse, urllib.request

piazza, oha = sys.argv[1], sys.argv[2]
admin_url = os.environ.get("PIAZZA_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
works = int(os.environ.get("WORKS", "100000"))
clients = int(os.environ.get("CLIENTS", "8"))
seconds = int(os.environ.get("SECONDS_EACH", "20"))
port = int(os.environ.get("PORT", "18715"))
here = os.path.dirname(os.path.abspath(__file__))
database = "piazza_bench_search"
url = admin_url.rsplit("/", 1)[0] + "/" + database
work_dir = tempfile.mkdtemp(prefix="piazza-bench-search-")
env = dict(os.environ, PIAZZA_DATA_DIR=os.path.join(work_dir, "data"), PIAZZA_DATABASE_URL=url, PIAZZA_BIND=f"127.0.0.1:{port}", PIAZZA_LOG="warn")


def psql(db_url, sql, *extra):
    return subprocess.run(["psql", db_url, "-qAtX", "-v", "ON_ERROR_STOP=1", *extra, "-c", sql], check=True, capture_output=True, text=True).stdout


psql(admin_url, f"drop database if exists {database} with (force)")
psql(admin_url, f"create database {database}")
subprocess.run([piazza, "migrate"], env=env, check=True, capture_output=True)
subprocess.run([sys.executable, os.path.join(here, "corpus.py"), url, str(works)], check=True)
started = time.monotonic()
subprocess.run([piazza, "reindex"], env=env, check=True, capture_output=True)
reindex_s = time.monotonic() - started

# The queries: words of the corpus that are neither rare nor everywhere (one in five a
# pair of them), the same list for both.
bodies = psql(url, "select body_text from work order by id limit 3000")
counts = collections.Counter(w for w in re.findall(r"[a-zàèéìòù]{5,}", bodies.lower()))
words = [w for w, _ in counts.most_common(400)[40:240]]
queries = [w if i % 5 else f"{w} {words[(i * 7) % len(words)]}" for i, w in enumerate(words)]

url_file = os.path.join(work_dir, "urls.txt")


def measure(keep):
    """Piazza under load, keeping answers (pages and search answers) or not: (req/s, p50 ms, p99 ms, statuses, matches)."""
    server_env = dict(env, PIAZZA_SEARCH_CACHE_MB="16" if keep else "0", PIAZZA_PAGE_CACHE_MB="64" if keep else "0")
    server = subprocess.Popen([piazza, "serve", "--no-jobs"], env=server_env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(work_dir, "serve.log"), "a"))
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        urls = [f"{base}/api/v1/search?q={urllib.parse.quote(q)}" for q in queries]
        matches = []
        for u in urls:  # warm the index's caches (and the kept answers) and check the answers
            body = json.load(urllib.request.urlopen(u))
            assert body["facets"]["kind"] is not None
            matches.append(body["total"])
        open(url_file, "w").write("\n".join(urls) + "\n")
        out = subprocess.run([oha, "--no-tui", "--output-format", "json", "-c", str(clients), "-z", f"{seconds}s", "--urls-from-file", url_file],
                             check=True, capture_output=True, text=True).stdout
        report = json.loads(out)
        return (report["summary"]["requestsPerSec"], report["latencyPercentiles"]["p50"] * 1000, report["latencyPercentiles"]["p99"] * 1000,
                report.get("statusCodeDistribution", {}), matches)
    finally:
        server.terminate()
        server.wait(timeout=30)


# As served: an answer asked again while the index is unchanged is given from memory,
# already compressed (after the check against the change log every search makes).
piazza_rps, piazza_p50, piazza_p99, statuses, matches = measure(True)
# Every answer searched, serialised and compressed afresh: the index's own speed.
cold_rps, cold_p50, cold_p99, cold_statuses, _ = measure(False)

# PostgreSQL: the same words, as Decidim and CONSUL search.
psql(url, "alter table work add column tsv tsvector generated always as (to_tsvector('italian', title || ' ' || coalesce(body_text, ''))) stored")
psql(url, "create index work_tsv_idx on work using gin (tsv)")
psql(url, "create table bench_query (id int primary key, q text not null)")
rows = "\n".join(f"{i}\t{q}" for i, q in enumerate(queries, 1)) + "\n"
subprocess.run(["psql", url, "-qX", "-c", "copy bench_query from stdin"], input=rows, text=True, check=True)
psql(url, "vacuum analyze")
script = os.path.join(work_dir, "fts.sql")
open(script, "w").write(
    f"\\set i random(1, {len(queries)})\n"
    "select w.id, ts_rank(w.tsv, s.q) as rank from work w, (select plainto_tsquery('italian', q) as q from bench_query where id = :i) s "
    "where w.status = 'published' and w.tsv @@ s.q order by rank desc limit 20;\n"
)
subprocess.run(["pgbench", url, "-n", "-c", str(clients), "-j", str(clients), "-T", "5", "-f", script], check=True, capture_output=True)  # warm
log_dir = os.path.join(work_dir, "pgbench")
os.makedirs(log_dir)
pg = subprocess.run(["pgbench", url, "-n", "-c", str(clients), "-j", str(clients), "-T", str(seconds), "-f", script, "-l", "--log-prefix", os.path.join(log_dir, "log")],
                    check=True, capture_output=True, text=True).stdout
pg_tps = float(re.search(r"tps = ([0-9.]+)", pg).group(1))
latencies = sorted(int(line.split()[2]) for name in os.listdir(log_dir) for line in open(os.path.join(log_dir, name)))
pg_p50 = latencies[len(latencies) // 2] / 1000
pg_p99 = latencies[int(len(latencies) * 0.99)] / 1000
psql(admin_url, f"drop database if exists {database} with (force)")

print(f"\n{works} published works, {len(queries)} queries (median {sorted(matches)[len(matches) // 2]} matches each), {clients} clients, {seconds} s each")
print(f"piazza reindex: {reindex_s:.1f} s")
print(f"{'':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
print(f"{'Piazza /api/v1/search':34} {piazza_rps:9.0f} {piazza_p50:8.2f} {piazza_p99:8.2f}   answers: {statuses}")
print(f"{'  the same, no answer kept':34} {cold_rps:9.0f} {cold_p50:8.2f} {cold_p99:8.2f}   answers: {cold_statuses}")
print(f"{'PostgreSQL FTS (ts_rank)':34} {pg_tps:9.0f} {pg_p50:8.2f} {pg_p99:8.2f}")
print(f"throughput ratio: {piazza_rps / pg_tps:.1f}x (goal >= 10x); Piazza p99 {piazza_p99:.2f} ms (goal < 5 ms)")
print(f"no answer kept: {cold_rps / pg_tps:.1f}x, p99 {cold_p99:.2f} ms")
