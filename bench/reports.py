"""Concurrent anonymous reports against gunicorn on PostgreSQL: throughput, latency, no loss.

    make bench-reports               # 60 s, 16 concurrent senders, 4 gunicorn workers
    BENCH_SECONDS=20 BENCH_CLIENTS=8 BENCH_WORKERS=2 .venv/bin/python bench/reports.py

Makes a throw-away PostgreSQL database, starts gunicorn on 127.0.0.1 with production settings,
posts JSON reports from several threads for BENCH_SECONDS, then counts the reports stored and
compares them with the receipts handed out. Also times one receipt hash.
"""

import base64
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "60"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = int(os.environ.get("BENCH_PORT", "0")) or _free_port()
POSTGRES = os.environ.get("HAVEN_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/haven")
DATABASE = POSTGRES.rsplit("/", 1)[0] + "/haven_bench_reports"

REPORT = {
    "country": "VN",
    "description": "Có nhiều người bị giữ giấy tờ và không được trả lương ở một xưởng may. " * 3,
    "when": "tuần trước",
    "people_count": 4,
    "children_involved": False,
    "exploitation_types": ["ForcedLabour"],
    "danger_now": False,
    "language": "vi",
}


def environment() -> dict:
    base = {key: value for key, value in os.environ.items() if not key.startswith("HAVEN_")}
    base.update(
        DJANGO_SETTINGS_MODULE="haven.settings",
        HAVEN_DEBUG="false",
        HAVEN_HTTPS="false",
        HAVEN_SECRET_KEY=secrets.token_urlsafe(50),
        HAVEN_ENCRYPTION_KEYS="bench:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        HAVEN_RECEIPT_SALT=secrets.token_hex(32),
        HAVEN_AUDIT_KEY="bench:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        HAVEN_ALLOWED_HOSTS="127.0.0.1",
        HAVEN_DATABASE_URL=DATABASE,
        HAVEN_REPORTS_PER_HOUR="1000000",
        # Several workers need the shared cache (gunicorn.conf.py refuses to start without it).
        HAVEN_CACHE_URL=os.environ.get("HAVEN_BENCH_CACHE_URL", "redis://127.0.0.1:6379/14"),
        HAVEN_CACHE_PREFIX=f"bench-{secrets.token_hex(4)}",
        HAVEN_LOG_LEVEL="WARNING",
        HAVEN_SMTP_HOST="",  # no mail server here: notifications off
        HAVEN_DATA_DIR=str(ROOT / "var" / "bench"),
    )
    return base


def send(results: list, stop: float) -> None:
    body = json.dumps(REPORT)
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    while time.perf_counter() < stop:
        began = time.perf_counter()
        try:
            connection.request(
                "POST", "/api/v1/reports", body, {"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            payload = response.read()
            receipt = json.loads(payload).get("receipt") if response.status == 201 else None
            results.append((time.perf_counter() - began, response.status, receipt))
        except (OSError, http.client.HTTPException, ValueError):
            results.append((time.perf_counter() - began, 0, None))
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)


def main() -> None:
    import psycopg

    with psycopg.connect(POSTGRES, dbname="postgres", autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS haven_bench_reports")
        connection.execute("CREATE DATABASE haven_bench_reports")
    env = environment()
    haven = [sys.executable, "-m", "haven"]
    subprocess.run([*haven, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*haven, "seed_demo"], env=env, check=True, cwd=ROOT, capture_output=True)
    subprocess.run([*haven, "collectstatic", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)
    timing = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, time; django.setup(); from haven.reports.receipts import hash_receipt; "
            "t = time.perf_counter(); [hash_receipt('1234567812345678') for _ in range(20)]; "
            "print(f'{(time.perf_counter() - t) / 20 * 1000:.1f}')",
        ],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "haven.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            if server.poll() is not None:
                sys.exit("gunicorn did not start")
            try:
                probe = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        results: list = []
        stop = time.perf_counter() + SECONDS
        threads = [threading.Thread(target=send, args=(results, stop)) for _ in range(CLIENTS)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    with psycopg.connect(DATABASE, autocommit=True) as connection:
        stored = connection.execute("SELECT count(*) FROM reports_report").fetchone()[0]
    acknowledged = [receipt for _, status, receipt in results if status == 201 and receipt]
    errors = len(results) - len(acknowledged)
    latencies = sorted(duration * 1000 for duration, status, _ in results if status == 201)
    print(
        f"{len(acknowledged)} reports in {elapsed:.1f} s = {len(acknowledged) / elapsed:.1f} reports/s "
        f"({CLIENTS} senders, {WORKERS} gunicorn workers, PostgreSQL)"
    )
    if latencies:
        print(
            f"latency p50 {statistics.median(latencies):.1f} ms, "
            f"p95 {latencies[int(len(latencies) * 0.95) - 1]:.1f} ms, max {latencies[-1]:.1f} ms"
        )
    print(
        f"errors {errors}; stored {stored}, acknowledged {len(acknowledged)}, "
        f"distinct receipts {len(set(acknowledged))}"
    )
    print(f"one receipt hash (argon2id, t=2, 19 MiB): {timing.stdout.strip()} ms")
    with psycopg.connect(POSTGRES, dbname="postgres", autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS haven_bench_reports")
    if stored != len(acknowledged):
        sys.exit("stored and acknowledged differ")


if __name__ == "__main__":
    main()
