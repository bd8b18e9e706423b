"""Live Haven deployments on this machine: real servers, real workers, real HTTP between them.

For the live federation tests (haven/federation/tests/test_live.py), bench/federation.py and
`make run-federation` (scripts/run_federation.py). A `Deployment` is one Haven: its own data
directory (its development secrets, so its own keys), its own database (SQLite file or a
PostgreSQL database it creates and drops), its own HAVEN_PUBLIC_URL, country and name, a web
server (gunicorn, or runserver --noreload) and `haven worker`. Commands run as subprocesses
(`haven migrate`, `seed_demo`, `federation_identity`, `add_peer` ...), as an operator would.
Nothing here imports Django: the test process keeps its own settings.
"""

import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/haven"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_url(suffix: str) -> str:
    """A PostgreSQL database of its own beside the one configured (HAVEN_DATABASE_URL, else
    HAVEN_TEST_DATABASE_URL, else the local default), named <that name>_<suffix>."""
    base = next(
        (
            url
            for url in (
                os.environ.get("HAVEN_DATABASE_URL"),
                os.environ.get("HAVEN_TEST_DATABASE_URL"),
            )
            if url and url.startswith("postgres")
        ),
        DEFAULT_POSTGRES,
    )
    head, name = base.rsplit("/", 1)
    return f"{head}/{name.split('?')[0]}_{suffix}"


class Deployment:
    """One Haven on 127.0.0.1: settings, database, server and worker."""

    def __init__(
        self,
        *,
        name: str,
        country: str,
        data_dir: Path,
        database_url: str = "",
        port: int = 0,
        server: str = "gunicorn",
        extra_env: dict | None = None,
    ):
        self.name, self.country = name, country
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url or f"sqlite:///{self.data_dir / 'haven.sqlite3'}"
        self.server = server
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.log_path = self.data_dir / "haven.log"
        base = {k: v for k, v in os.environ.items() if not k.startswith(("HAVEN_", "PROMETHEUS"))}
        self.env = {
            **base,
            "DJANGO_SETTINGS_MODULE": "haven.settings",
            "PYTHONPATH": str(ROOT),
            "HAVEN_DEBUG": "true",  # development secrets, made once in this data directory
            "HAVEN_DATA_DIR": str(self.data_dir),
            "HAVEN_DATABASE_URL": self.database_url,
            "HAVEN_PUBLIC_URL": self.url,
            "HAVEN_SITE_URL": self.url,
            "HAVEN_COUNTRY": country,
            "HAVEN_FEDERATION_NAME": name,
            "HAVEN_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "HAVEN_SMTP_HOST": "",
            "HAVEN_LOG_LEVEL": "WARNING",
            "HAVEN_DATABASE_CONN_MAX_AGE": "0",
            **(extra_env or {}),
        }

    # -- commands ------------------------------------------------------------------------

    @property
    def postgres(self) -> bool:
        return self.database_url.startswith("postgres")

    def haven(self, *arguments: str, timeout: float = 300) -> str:
        """Run `haven ARGUMENTS` against this deployment; its output, or RuntimeError."""
        done = subprocess.run(  # noqa: S603 (our own commands)
            [sys.executable, "-m", "haven", *arguments],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"haven {arguments[0]} failed on {self.name}:\n{done.stderr[-3000:]}"
            )
        return done.stdout

    def python(self, code: str, timeout: float = 120):
        """Run `code` in `haven shell`; the JSON its last printed line holds."""
        out = self.haven("shell", "-c", code, timeout=timeout)
        return json.loads(out.strip().splitlines()[-1])

    def create_database(self) -> None:
        if self.postgres:
            import psycopg

            name = self.database_url.rsplit("/", 1)[1]
            with psycopg.connect(self.database_url, dbname="postgres", autocommit=True) as db:
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                db.execute(f'CREATE DATABASE "{name}"')

    def drop_database(self) -> None:
        if self.postgres:
            import psycopg

            name = self.database_url.rsplit("/", 1)[1]
            with psycopg.connect(self.database_url, dbname="postgres", autocommit=True) as db:
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def prepare(self, seed: tuple[str, ...]) -> str:
        """The database (PostgreSQL: made afresh), migrated, and `haven seed_demo SEED...`;
        what seed_demo printed (the new accounts' passwords)."""
        self.create_database()
        self.haven("migrate", "--no-input", "-v0", timeout=600)
        return self.haven("seed_demo", *seed, timeout=600)

    def fingerprint(self) -> str:
        out = self.haven("federation_identity")
        return re.search(r"^Fingerprint:\s+(\S+)", out, re.MULTILINE).group(1)

    def pin(self, other: "Deployment", fingerprint: str) -> str:
        """`haven add_peer` the other deployment, checked against the fingerprint given."""
        # `--fingerprint=` keeps a fingerprint that starts with "-" (base64url) from reading as
        # an option, as it did once in twenty-odd runs.
        return self.haven(
            "add_peer", other.url, "--country", other.country, f"--fingerprint={fingerprint}"
        )

    def deliver(self) -> str:
        return self.haven("federation_deliver")

    # -- processes -----------------------------------------------------------------------

    def start(self, worker: bool = True, timeout: float = 90) -> None:
        self.start_web(timeout)
        if worker and (self.worker is None or self.worker.poll() is not None):
            self.worker = self._spawn([sys.executable, "-m", "haven", "worker"])

    def _spawn(self, command: list[str]) -> subprocess.Popen:
        log = open(self.log_path, "ab")  # noqa: SIM115 (the child holds it)
        try:
            return subprocess.Popen(  # noqa: S603 (our own commands)
                command, env=self.env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True
            )
        finally:
            log.close()

    def start_web(self, timeout: float = 90) -> None:
        if self.server == "gunicorn":
            command = [
                *(sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "haven.wsgi"),
                *("--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "4"),
                *("--access-logfile", "/dev/null", "--log-level", "warning"),
            ]
        else:
            command = [
                *(sys.executable, "-m", "haven", "runserver", "--noreload"),
                f"127.0.0.1:{self.port}",
            ]
        self.web = self._spawn(command)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.web.poll() is not None:
                raise RuntimeError(f"{self.name}'s server stopped at start (see {self.log_path})")
            if self.healthy():
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer /healthz in {timeout:.0f} s")

    def healthy(self) -> bool:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            probe.request("GET", "/healthz")
            return probe.getresponse().status == 200
        except OSError:
            return False

    def stop_web(self) -> None:
        _end(self.web)
        self.web = None

    def stop(self) -> None:
        for process in (self.worker, self.web):
            _end(process)
        self.worker = self.web = None

    # -- HTTP and database ---------------------------------------------------------------

    def request(self, method: str, path: str, body=None, token: str = "", raw: bytes | None = None,
                content_type: str = "application/json") -> tuple[int, dict]:  # fmt: skip
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        headers = {"Accept-Language": "en", "Content-Type": content_type}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(  # noqa: S310 (our own server on 127.0.0.1)
            self.url + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status, text = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read()
        try:
            return status, json.loads(text or b"{}")
        except ValueError:
            return status, {"text": text[:500].decode(errors="replace")}

    def post_inbox(self, token: str) -> tuple[int, dict]:
        return self.request(
            "POST", "/federation/v1/inbox", raw=token.encode(), content_type="application/jose"
        )

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Read (or nudge) this deployment's database directly, as its operator could."""
        if self.postgres:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as db:
                cursor = db.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        path = self.database_url.removeprefix("sqlite:///")
        db = sqlite3.connect(path, timeout=20)
        try:
            cursor = db.execute(sql.replace("%s", "?"), params)
            rows = cursor.fetchall()
            db.commit()
            return rows
        finally:
            db.close()


def _end(process: subprocess.Popen | None) -> None:
    """Stop a process and everything it started (its own session), by its id."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, PermissionError):
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def pair(one: Deployment, other: Deployment) -> None:
    """Each reads the other's fingerprint (`federation_identity`) and pins it (`add_peer`)."""
    fingerprints = in_parallel(one.fingerprint, other.fingerprint)
    in_parallel(lambda: one.pin(other, fingerprints[1]), lambda: other.pin(one, fingerprints[0]))


def in_parallel(*calls):
    """Run the calls in threads (each mostly waits for a subprocess); their results in order."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(calls)) as pool:
        return [future.result() for future in [pool.submit(call) for call in calls]]


def wait_for(check, timeout: float = 60, every: float = 0.3, what: str = "a condition"):
    """Call `check` until it returns something true; return that, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"Waited {timeout:.0f} s for {what}")
        time.sleep(every)
