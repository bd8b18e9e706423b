"""Soak: Haven as deployed (gunicorn, 4 workers, PostgreSQL, Redis, `haven worker`) under a mixed
load for minutes, with faults: every database connection cut twice, the worker and one web worker
killed with SIGKILL. Prints latency per route, errors by status, each process's memory at start
and end, acknowledged writes against stored rows, and whether the queue drained.

    python bench/soak.py                      # 10 minutes at 70 % of the capacity measured first
    python bench/soak.py --minutes 3 --rate 20

The client behaves like a phone: on a refused connection or a 502/503/504 (with `Retry-After`
when the server gives one) it waits and tries again, at most RETRIES times. A 5xx that comes
back is counted; within GRACE seconds after a fault it is "excused", otherwise it fails the run.
haven/tests/test_soak.py runs a 60-second version of the same code.
"""

import argparse
import base64
import http.client
import io
import json
import os
import queue
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("HAVEN_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/haven")
REDIS = os.environ.get("HAVEN_SOAK_CACHE_URL", "redis://127.0.0.1:6379/7")
RETRIES = 4  # attempts after the first
GRACE = 10.0  # seconds after a fault in which a 5xx is excused
CLIENTS = 24
SEARCH_WORDS = ["lao động", "trafficking", "hotline", "passport", "việc làm", "shelter", "lừa đảo"]
JOB_TEXT = (
    "Tuyển gấp 20 nữ lao động đi Nhật, lương 40 triệu/tháng, không cần tiếng, "
    "bao ăn ở, đóng phí trước 50 triệu, giữ hộ chiếu khi sang."
)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def photo() -> bytes:
    """A small real JPEG (the upload check opens and re-encodes images)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 80, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def multipart(fields: dict, files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = secrets.token_hex(12)
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode()
            )
    for filename, data in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"'
            f"\r\nContent-Type: image/jpeg\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class Outcome:
    route: str
    began: float  # seconds since the load started
    latency: float  # of the whole exchange, retries and waits included
    status: int  # the last answer (0: no answer at all)
    retried: list = field(default_factory=list)  # statuses answered before the last try


@dataclass
class Ledger:
    """What the server acknowledged: the writes that must be stored."""

    receipts: list = field(default_factory=list)
    reporter_messages: int = 0
    notes: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Haven:
    """The processes of one deployment on this machine."""

    def __init__(self, url: str, port: int, data_dir: Path, workers: int = 4):
        self.url = url
        self.database = url.rsplit("/", 1)[1]
        self.port = port
        self.workers = workers
        self.env = self.environment(data_dir)
        self.web = None
        self.worker = None
        self.log = open(data_dir / "soak.log", "ab")  # noqa: SIM115

    def environment(self, data_dir: Path) -> dict:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("HAVEN_", "PROMETHEUS"))}
        data_dir.mkdir(parents=True, exist_ok=True)
        base.update(
            DJANGO_SETTINGS_MODULE="haven.settings",
            PYTHONPATH=str(ROOT),
            HAVEN_DEBUG="false",
            HAVEN_HTTPS="false",
            HAVEN_SECRET_KEY=secrets.token_urlsafe(50),
            HAVEN_ENCRYPTION_KEYS="soak:" + base64.b64encode(secrets.token_bytes(32)).decode(),
            HAVEN_RECEIPT_SALT=secrets.token_hex(32),
            HAVEN_AUDIT_KEY="soak:" + base64.b64encode(secrets.token_bytes(32)).decode(),
            HAVEN_ALLOWED_HOSTS="127.0.0.1",
            HAVEN_DATABASE_URL=self.url,
            HAVEN_REPORTS_PER_HOUR="1000000",
            HAVEN_CACHE_URL=REDIS,
            HAVEN_CACHE_PREFIX=f"soak-{secrets.token_hex(4)}",
            HAVEN_LOG_LEVEL="WARNING",
            HAVEN_SMTP_HOST="",  # no mail server: notification jobs run, send nothing
            HAVEN_DATA_DIR=str(data_dir),
        )
        return base

    def haven(self, *arguments, capture=False) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "haven", *arguments],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=capture,
            text=True,
        )
        return done.stdout if capture else ""

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(self.url, dbname="postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{self.database}"')
        self.haven("migrate", "-v0")

    def prepare(self, full: bool = True) -> dict:
        """The demo organisations and people (`full`: and the demo's articles, services and
        statistics, for the public pages and search), static files, API tokens for the load."""
        static = subprocess.Popen(
            [sys.executable, "-m", "haven", "collectstatic", "--no-input", "-v0"],
            env=self.env,
            cwd=ROOT,
        )
        if full:
            self.haven("seed_demo", capture=True)
        script = (
            "import json; from haven.accounts.models import User; "
            "from haven.accounts.services import create_api_token as t; "
            "from haven.demo.personas import create_demo_data; "
            "create_demo_data(lambda name: 'soak-password-' + name * 3); "
            "u = {n: User.objects.get(username=n) for n in ('alice', 'dave')}; "
            "print(json.dumps({n: t(x, actor=x, name='soak')[1] for n, x in u.items()}))"
        )
        tokens = json.loads(self.haven("shell", "-c", script, capture=True).splitlines()[-1])
        if static.wait() != 0:
            raise RuntimeError("collectstatic failed")
        return tokens

    def start_web(self) -> None:
        self.web = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "haven.wsgi"),
                *("--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)),
                *("--access-logfile", "/dev/null", "--log-level", "warning", "--no-control-socket"),
            ],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=self.log,
        )
        for _ in range(300):
            if self.web.poll() is not None:
                raise RuntimeError("gunicorn did not start (see soak.log)")
            try:
                probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200 and len(self.web_workers()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer")

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "haven", "worker", "--abandoned-after", "30"],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=self.log,
        )

    def web_workers(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.web.pid}/task/{self.web.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def processes(self) -> dict[int, str]:
        found = {self.web.pid: "gunicorn master", self.worker.pid: "haven worker"}
        for pid in sorted(self.web_workers()):
            found[pid] = "web worker"
        return found

    def cut_connections(self) -> int:
        import psycopg

        with psycopg.connect(self.url, dbname="postgres", autocommit=True) as connection:
            return len(
                connection.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.database],
                ).fetchall()
            )

    def stop(self) -> None:
        for process in (self.worker, self.web):
            if process and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.log.close()

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.url, dbname="postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def query(self, sql: str, params=()) -> int:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            return connection.execute(sql, params).fetchone()[0]


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Client:
    """One phone or browser: a kept-alive connection, retries bounded like an app's."""

    def __init__(self, port: int, tokens: dict, ledger: Ledger, cases: list, started: float):
        self.port, self.tokens, self.ledger, self.cases = port, tokens, ledger, cases
        self.started = started
        self.connection = None
        self.random = random.Random()
        self.image = photo()

    def exchange(self, method, path, body=None, headers=None) -> tuple[int, dict, bytes]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            self.connection.request(method, path, body, headers or {})
            response = self.connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            return 0, {}, b""

    def call(self, route, method, path, body=None, headers=None) -> tuple[Outcome, bytes]:
        began = time.perf_counter()
        retried = []
        for attempt in range(RETRIES + 1):
            status, answer_headers, payload = self.exchange(method, path, body, headers)
            if status not in (0, 502, 503, 504) or attempt == RETRIES:
                break
            retried.append(status)
            wait = answer_headers.get("Retry-After", "")
            time.sleep(min(float(wait), 5.0) if wait.isdigit() else 0.5 * (attempt + 1))
        outcome = Outcome(route, began - self.started, time.perf_counter() - began, status, retried)
        return outcome, payload

    def staff(self, who="alice") -> dict:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def report(self, with_photo: bool):
        fields = {
            "country": "VN",
            "description": "Người quen rủ đi làm ở xưởng, bị giữ giấy tờ, không được về. " * 2,
            "when": "tháng trước",
            "people_count": "3",
            "exploitation_types": "ForcedLabour",
            "danger_now": "false",
            "language": "vi",
        }
        body, kind = multipart(fields, [("anh.jpg", self.image)] if with_photo else [])
        route = "report with photo" if with_photo else "report"
        outcome, payload = self.call(route, "POST", "/api/v1/reports", body, {"Content-Type": kind})
        if outcome.status == 201:
            with self.ledger.lock:
                self.ledger.receipts.append(json.loads(payload)["receipt"])
        return outcome

    def follow_up(self, write: bool):
        with self.ledger.lock:
            receipt = self.random.choice(self.ledger.receipts) if self.ledger.receipts else None
        if receipt is None:
            return self.report(False)
        headers = {"X-Receipt": receipt, "Content-Type": "application/json"}
        if not write:
            return self.call("follow-up read", "GET", "/api/v1/reports/mine", None, headers)[0]
        body = json.dumps({"body": "Em đã về nhà an toàn, cảm ơn."})
        outcome, _ = self.call(
            "follow-up message", "POST", "/api/v1/reports/mine/messages", body, headers
        )
        if outcome.status == 201:
            with self.ledger.lock:
                self.ledger.reporter_messages += 1
        return outcome

    def note(self):
        case = self.random.choice(self.cases)
        body = json.dumps({"body": "Đã gọi điện, hẹn gặp tuần sau.", "shared_with_owner": False})
        headers = {**self.staff(), "Content-Type": "application/json"}
        outcome, payload = self.call(
            "case note", "POST", f"/api/v1/cases/{case}/notes", body, headers
        )
        if outcome.status == 201:
            with self.ledger.lock:
                self.ledger.notes.append(json.loads(payload)["id"])
        return outcome

    def read(self, route, path, who=None):
        return self.call(route, "GET", path, None, self.staff(who) if who else {})[0]

    def job_check(self):
        body = json.dumps({"text": JOB_TEXT, "lang": "vi"})
        headers = {"Content-Type": "application/json"}
        return self.call("job check", "POST", "/api/v1/screening/job-offer-check", body, headers)[0]

    def one(self, kind: str) -> Outcome:
        word = quote(self.random.choice(SEARCH_WORDS))
        case = self.random.choice(self.cases)
        actions = {
            "report": lambda: self.report(False),
            "report with photo": lambda: self.report(True),
            "follow-up read": lambda: self.follow_up(False),
            "follow-up message": lambda: self.follow_up(True),
            "home page": lambda: self.read("home page", "/vi/"),
            "articles page": lambda: self.read("articles page", "/vi/articles/"),
            "public statistics": lambda: self.read("public statistics", "/vi/stats/"),
            "search": lambda: self.read("search", f"/api/v1/search?q={word}&lang=vi"),
            "job check": self.job_check,
            "case list": lambda: self.read("case list", "/api/v1/cases", "alice"),
            "case page": lambda: self.read("case page", f"/api/v1/cases/{case}", "alice"),
            "case note": self.note,
            "referrals": lambda: self.read(
                "referrals", "/api/v1/referrals?direction=outgoing", "alice"
            ),
            "export": lambda: self.read("export", "/api/v1/cases/export?format=csv", "alice"),
            "statistics": lambda: self.read(
                "statistics", "/api/v1/stats?source=cases&by=gender", "dave"
            ),
        }
        return actions[kind]()


# Share of each kind of request: most traffic is the public's, a few heavy staff requests.
MIX = {
    "report": 10, "report with photo": 8, "follow-up read": 6, "follow-up message": 4,
    "home page": 12, "articles page": 6, "public statistics": 4, "search": 12, "job check": 6,
    "case list": 8, "case page": 10, "case note": 6, "referrals": 3, "export": 1, "statistics": 4,
}  # fmt: skip


def seed_cases(port: int, tokens: dict, count: int) -> list[str]:
    headers = {"Authorization": f"Bearer {tokens['alice']}", "Content-Type": "application/json"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    cases = []
    for number in range(count):
        body = json.dumps({"country": "VN", "summary": f"Soak case {number}", "risk": "medium"})
        connection.request("POST", "/api/v1/cases", body, headers)
        response = connection.getresponse()
        payload = response.read()
        if response.status != 201:
            raise RuntimeError(f"opening a case: {response.status} {payload[:300]!r}")
        cases.append(json.loads(payload)["id"])
    return cases


def run_load(port, tokens, cases, ledger, seconds, rate, events=None, clients=CLIENTS):
    """Requests at `rate` per second (open loop) for `seconds`; `events`: [(at, action)]."""
    started = time.perf_counter()
    work: queue.Queue = queue.Queue(maxsize=clients * 4)
    outcomes: list[Outcome] = []
    kinds, weights = list(MIX), list(MIX.values())

    def serve():
        client = Client(port, tokens, ledger, cases, started)
        while (kind := work.get()) is not None:
            outcomes.append(client.one(kind))

    threads = [threading.Thread(target=serve, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    pending = sorted(events or [], key=lambda event: event[0])
    chooser = random.Random(19)
    sent = 0
    while (now := time.perf_counter() - started) < seconds:
        while pending and pending[0][0] <= now:
            pending.pop(0)[1]()
        due = int(now * rate) - sent
        for _ in range(due):
            try:
                work.put_nowait(chooser.choices(kinds, weights)[0])
            except queue.Full:
                outcomes.append(Outcome("(client backlog: not sent)", now, 0, -1))
            sent += 1
        time.sleep(0.005)
    for _ in threads:
        work.put(None)
    for thread in threads:
        thread.join(timeout=120)
    return outcomes, time.perf_counter() - started


def capacity(port, tokens, cases, seconds=20) -> float:
    """Requests per second of the mix that the server completes when pushed (closed loop)."""
    ledger = Ledger()
    outcomes, elapsed = run_load(port, tokens, cases, ledger, seconds, rate=10_000, clients=12)
    return sum(1 for o in outcomes if 200 <= o.status < 300) / elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] if ordered else 0


@dataclass
class Result:
    outcomes: list
    elapsed: float
    faults: list  # (at, what)
    rss: dict  # name: (start kB, end kB)
    acknowledged: dict  # what: (acknowledged, stored)
    drained_after: float | None
    queue_left: int
    lines: list = field(default_factory=list)
    cpu: float = 0.0  # CPU seconds of gunicorn and the worker during the load
    setup: float = 0.0  # seconds from starting the processes to the load (warm-up included)

    @property
    def lost(self) -> int:
        return sum(max(0, acked - stored) for acked, stored in self.acknowledged.values())

    def after_fault(self, outcome: Outcome) -> bool:
        """The request was under way during a fault or began within GRACE seconds after it."""
        end = outcome.began + outcome.latency
        return any(when <= end and outcome.began <= when + GRACE for when, _ in self.faults)

    @property
    def unexcused_5xx(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status >= 500 and not self.after_fault(o)]

    @property
    def unanswered(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == 0]


def soak(
    haven: Haven, tokens: dict, seconds: float, rate=None, warm_up=20, cases=150, report=print
):
    """Run the load with its faults against `haven` (database ready, tokens made); stop it."""
    try:
        began = time.perf_counter()
        haven.start_web()
        haven.start_worker()
        cases = seed_cases(haven.port, tokens, cases)
        if rate is None:
            measured = capacity(haven.port, tokens, cases)
            rate = round(0.7 * measured, 1)
            report(f"capacity of the mix: {measured:.1f} requests/s; soak at 70 %: {rate}/s")
        if warm_up:  # every route a few times in every worker before memory is measured
            run_load(haven.port, tokens, cases, Ledger(), warm_up, rate)
        baseline = {
            "reports": haven.query("SELECT count(*) FROM reports_report"),
            "reporter messages": haven.query(
                "SELECT count(*) FROM reports_message WHERE author = 'reporter'"
            ),
            "case notes": haven.query("SELECT count(*) FROM cases_note"),
        }
        start_rss = {pid: rss_kb(pid) for pid in haven.processes()}
        start_cpu = {pid: cpu_seconds(pid) for pid in haven.processes()}
        faults: list = []

        def fault(what, action):
            def act():
                faults.append((time.perf_counter() - load_started, what))
                action()

            return act

        def kill_worker():
            os.kill(haven.worker.pid, signal.SIGKILL)
            haven.worker.wait()
            time.sleep(5)  # systemd's RestartSec
            haven.start_worker()

        def kill_web_worker():
            os.kill(max(haven.web_workers()), signal.SIGKILL)  # gunicorn starts another

        events = [
            (0.2 * seconds, fault("connections cut", haven.cut_connections)),
            (
                0.35 * seconds,
                fault("worker killed", lambda: threading.Thread(target=kill_worker).start()),
            ),
            (0.5 * seconds, fault("web worker killed", kill_web_worker)),
            (0.7 * seconds, fault("connections cut", haven.cut_connections)),
        ]
        ledger = Ledger()
        load_started = time.perf_counter()
        outcomes, elapsed = run_load(haven.port, tokens, cases, ledger, seconds, rate, events)
        ended = haven.processes()
        end_rss = {pid: rss_kb(pid) for pid in ended}
        # CPU of Haven's processes during the load (a killed process's share is lost: a floor).
        cpu = sum(cpu_seconds(pid) - start_cpu.get(pid, 0) for pid in ended)
        drained_after, left = None, 0
        waited = time.perf_counter()
        while time.perf_counter() - waited < 60:
            left = haven.query(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE status IN ('READY', 'RUNNING') AND run_after <= now() "
                "OR status IN ('READY', 'RUNNING') AND run_after > '9000-01-01'"
            )
            if left == 0:
                drained_after = time.perf_counter() - waited
                break
            time.sleep(1)
        stored = {
            "reports": haven.query("SELECT count(*) FROM reports_report"),
            "reporter messages": haven.query(
                "SELECT count(*) FROM reports_message WHERE author = 'reporter'"
            ),
            "case notes": haven.query("SELECT count(*) FROM cases_note"),
        }
        notes_found = haven.query(
            "SELECT count(*) FROM cases_note WHERE id::text = ANY(%s)", (ledger.notes,)
        )
        acknowledged = {
            "reports": (len(set(ledger.receipts)), stored["reports"] - baseline["reports"]),
            "reporter messages": (
                ledger.reporter_messages,
                stored["reporter messages"] - baseline["reporter messages"],
            ),
            "case notes (by id)": (len(ledger.notes), notes_found),
        }
        # A process started during the run (after a kill) has no start figure: "(new)".
        rss = {f"{ended[pid]} {pid}": (start_rss.get(pid, 0), end_rss[pid]) for pid in end_rss}
        result = Result(outcomes, elapsed, faults, rss, acknowledged, drained_after, left)
        result.setup = load_started - began
        result.cpu = cpu
        result.lines = describe(result, rate)
        for line in result.lines:
            report(line)
        return result
    finally:
        haven.stop()


def describe(result: Result, rate: float) -> list[str]:
    lines = [
        f"load: {len(result.outcomes)} requests in {result.elapsed:.0f} s at {rate}/s "
        f"(gunicorn 4 workers, PostgreSQL, Redis, haven worker; {result.setup:.0f} s to start)",
        "faults: " + ", ".join(f"{what} at {at:.0f} s" for at, what in result.faults),
        f"{'route':<22} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses",
    ]
    by_route = defaultdict(list)
    for outcome in result.outcomes:
        by_route[outcome.route].append(outcome)
    for route, items in sorted(by_route.items()):
        times = [o.latency * 1000 for o in items]
        statuses = Counter(o.status for o in items)
        lines.append(
            f"{route:<22} {len(items):>6} {percentile(times, 0.5):>8.1f} "
            f"{percentile(times, 0.95):>8.1f} {percentile(times, 0.99):>8.1f}  "
            + " ".join(f"{s}:{n}" for s, n in sorted(statuses.items()))
        )
    answered = sum(1 for o in result.outcomes if o.status > 0)
    per_request = result.cpu / max(answered, 1) * 1000
    lines.append(
        f"CPU of gunicorn and the worker: {result.cpu:.0f} s, {per_request:.1f} ms per request "
        f"(PostgreSQL's own not included); 2 free cores would serve {2000 / per_request:.0f}/s"
    )
    errors = Counter(o.status for o in result.outcomes if not 200 <= o.status < 300)
    retried = Counter(s for o in result.outcomes for s in o.retried)
    lines.append(f"errors by final status: {dict(errors) or 'none'}")
    lines.append(f"answers retried by the client (0 = no connection): {dict(retried) or 'none'}")
    lines.append(f"5xx outside {GRACE:.0f} s after a fault: {len(result.unexcused_5xx)}")
    lines.append(f"{'process':<22} {'RSS start MB':>12} {'end MB':>8} {'growth':>7}")
    for name, (start, end) in result.rss.items():
        growth = f"{(end - start) / start * 100:+.1f}%" if start else "(new)"
        lines.append(f"{name:<22} {start / 1024:>12.1f} {end / 1024:>8.1f} {growth:>7}")
    for what, (acked, stored) in result.acknowledged.items():
        lines.append(f"acknowledged {what}: {acked}, stored {stored}")
    lines.append(f"acknowledged writes lost: {result.lost}")
    drained = f"{result.drained_after:.0f} s" if result.drained_after is not None else "NOT"
    lines.append(f"queue drained after the end: {drained} (left {result.queue_left})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument(
        "--rate", type=float, default=None, help="requests/s (default: 70 %% of capacity)"
    )
    parser.add_argument("--database", default="haven_soak")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    arguments = parser.parse_args()
    url = POSTGRES.rsplit("/", 1)[0] + "/" + arguments.database
    haven = Haven(url, _free_port(), ROOT / "var" / arguments.database)
    print(f"preparing {arguments.database} (migrate, seed_demo, collectstatic) ...", flush=True)
    haven.create_database()
    tokens = haven.prepare(full=True)
    result = soak(haven, tokens, arguments.minutes * 60, arguments.rate)
    if not arguments.keep:
        haven.drop()
    if result.lost or result.unexcused_5xx or result.drained_after is None:
        sys.exit("soak targets missed")


if __name__ == "__main__":
    main()
