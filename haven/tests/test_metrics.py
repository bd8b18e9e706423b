"""/metrics: closed to the public, counts requests by route name, holds nothing personal."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from haven.cases.tests.helpers import make_case
from haven.conftest import sign_in
from haven.jobs.schedule import enqueue_due_jobs
from haven.reports.tests.helpers import receipt_from, report_data

TOKEN = "m" * 40
ROOT = Path(__file__).resolve().parents[2]


def scrape(client, token=TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.get("/metrics", **headers)


def value(text: str, name: str, **labels) -> float:
    """The sample's value (0 when absent), labels matched exactly in any order."""
    for line in text.splitlines():
        match = re.fullmatch(r"(\w+)(?:\{(.*)\})? (\S+)", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        if found == {key: str(wanted) for key, wanted in labels.items()}:
            return float(match.group(3))
    return 0.0


@pytest.fixture
def metrics_token(settings):
    settings.HAVEN_METRICS_TOKEN = TOKEN
    return TOKEN


@pytest.mark.django_db
class TestAccess:
    def test_without_a_configured_token_there_is_nothing_there(self, client, settings):
        settings.HAVEN_METRICS_TOKEN = ""
        assert scrape(client, token="").status_code == 404
        assert scrape(client, token=None).status_code == 404

    def test_no_token_or_a_wrong_one_gets_404(self, client, metrics_token):
        assert scrape(client, token=None).status_code == 404
        assert scrape(client, token="m" * 39).status_code == 404
        assert scrape(client, token=TOKEN + "x").status_code == 404
        assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 404  # no "Bearer"
        assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 404

    def test_the_token_opens_it(self, client, metrics_token):
        response = scrape(client)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain; version=")
        assert "no-cache" in response["Cache-Control"]

    def test_a_short_token_is_refused_at_start(self):
        env = {**os.environ, "HAVEN_DEBUG": "true", "HAVEN_METRICS_TOKEN": "short"}
        result = subprocess.run(
            [sys.executable, "-m", "haven", "check"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0 and "HAVEN_METRICS_TOKEN" in result.stderr


@pytest.mark.django_db
class TestWhatItCounts:
    def test_a_request_is_counted_under_its_route_name_and_status(self, client, metrics_token):
        before = scrape(client).content.decode()
        labels = {"route": "healthz", "method": "GET", "status": "200"}
        client.get("/healthz")
        client.get("/healthz")
        client.get("/vi/no-such-page/")
        after = scrape(client).content.decode()
        assert value(after, "haven_http_requests_total", **labels) == (
            value(before, "haven_http_requests_total", **labels) + 2
        )
        assert (
            value(after, "haven_http_requests_total", route="unmatched", method="GET", status="404")
            >= 1
        )
        assert value(after, "haven_http_request_duration_seconds_count", route="healthz") >= 2
        assert value(after, "haven_http_request_queries_count", route="healthz") >= 2
        assert value(after, "haven_http_request_queries_bucket", route="healthz", le="1.0") >= 2

    def test_reports_exports_and_the_queue_are_counted(
        self, client, metrics_token, django_capture_on_commit_callbacks
    ):
        before = scrape(client).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post("/vi/report/new/", report_data()).status_code == 201
        call_command("export_htcds", "--format", "json", "--org", "Hotline VN", stdout=StringIO())
        DBTaskResult.objects.update(
            enqueued_at=DBTaskResult.objects.first().enqueued_at.replace(year=2020)
        )
        after = scrape(client).content.decode()
        assert value(after, "haven_reports_received_total") == (
            value(before, "haven_reports_received_total") + 1
        )
        assert value(after, "haven_exports_total", format="json", via="command") == (
            value(before, "haven_exports_total", format="json", via="command") + 1
        )
        assert value(after, "haven_jobs_ready") == 1  # the notification of the report
        assert value(after, "haven_jobs_oldest_ready_age_seconds") > 86400 * 365
        assert value(after, "haven_jobs_failed") == 0
        enqueue_due_jobs()
        text = scrape(client).content.decode()
        last = value(
            text, "haven_periodic_last_enqueued_timestamp_seconds", job="purge_expired_reports"
        )
        assert abs(last - time.time()) < 60

    def test_nothing_personal_is_in_any_label(self, client, alice, metrics_token):
        response = client.post("/vi/report/new/", report_data())
        receipt = receipt_from(response)
        case = make_case(alice)
        staff = sign_in(client, alice)
        assert staff.get(f"/en/staff/cases/{case.pk}/").status_code == 200
        staff.get(f"/en/staff/cases/{case.reference}/")  # a wrong address with a reference
        staff.get(f"/en/staff/cases/?q={case.reference}")
        text = scrape(client).content.decode()
        assert (
            value(
                text, "haven_http_requests_total", route="cases:detail", method="GET", status="200"
            )
            >= 1
        )
        for secret in (receipt, case.reference, str(case.pk), "alice", "Ngọc Lan", "/staff/"):
            assert secret not in text, secret
        routes = set(re.findall(r'route="([^"]*)"', text))
        assert all(re.fullmatch(r"[\w.:-]+", route) for route in routes), routes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def get(url: str, token: str | None = None) -> str:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode()


@pytest.mark.django_db(transaction=True)
def test_gunicorn_workers_add_up_even_after_they_are_replaced(tmp_path):
    """Two workers, replaced after 6 requests each: 16 requests counted as 16."""
    port = free_port()
    env = {
        **os.environ,
        "HAVEN_DEBUG": "true",
        "HAVEN_DATABASE_URL": database_url(),
        "HAVEN_METRICS_TOKEN": TOKEN,
        "HAVEN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "counter_1.db").write_bytes(b"stale")  # a previous run's file
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--max-requests",
            "6",
            "haven.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(f"{base}/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                assert gunicorn.poll() is None, gunicorn.stderr.read().decode()
                time.sleep(0.3)
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda _n: get(f"{base}/healthz"), range(15)))
        text = get(f"{base}/metrics", TOKEN)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    assert (
        value(text, "haven_http_requests_total", route="healthz", method="GET", status="200") == 16
    )
    assert "haven_jobs_ready" in text
    pids = {name.rsplit("_", 1)[-1] for name in os.listdir(tmp_path / "metrics")}
    assert "1" not in pids  # the stale file went at start
    assert len(pids) >= 3  # a worker was replaced: the dead one's counts still count
