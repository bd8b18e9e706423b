"""Start a real gunicorn, in production mode, on the test database: for tests of what only a
running server shows (several workers sharing limits, gunicorn's own logs)."""

import base64
import contextlib
import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent.parent
# No control socket: its default path is shared by every gunicorn on the machine.
GUNICORN = [
    *[sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "haven.wsgi"],
    "--no-control-socket",
]


def database_url() -> str:
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{database['NAME']}"
    user = database.get("USER") or "postgres"
    return f"postgresql://{user}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"


def production_environment(data_dir: Path, **variables: str) -> dict:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("HAVEN_")}
    environ.pop("WEB_CONCURRENCY", None)
    environ.update(
        HAVEN_DEBUG="false",
        HAVEN_HTTPS="false",
        HAVEN_SECRET_KEY=secrets.token_urlsafe(50),
        HAVEN_ENCRYPTION_KEYS="k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        HAVEN_AUDIT_KEY="a1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        HAVEN_RECEIPT_SALT=secrets.token_hex(32),
        HAVEN_ALLOWED_HOSTS="127.0.0.1",
        HAVEN_DATABASE_URL=database_url(),
        HAVEN_DATABASE_CONN_MAX_AGE="0",
        HAVEN_SMTP_HOST="",
        HAVEN_DATA_DIR=str(data_dir),
    )
    environ.update(variables)
    return environ


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(environ: dict, *arguments: str, log_file: Path | None = None):
    """Yield the port of a gunicorn started with gunicorn.conf.py; stop it afterwards."""
    port = free_port()
    errors = open(log_file, "wb") if log_file else subprocess.DEVNULL  # noqa: SIM115
    server = subprocess.Popen(
        [*GUNICORN, "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", *arguments],
        env=environ,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=errors,
    )
    try:
        for _ in range(300):
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn stopped with status {server.returncode}")
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not answer /healthz")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        if log_file:
            errors.close()
