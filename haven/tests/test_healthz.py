import json
import os
import subprocess
import sys

import pytest


@pytest.mark.django_db
def test_it_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_names_an_unreachable_database(tmp_path):
    """A real process whose database is down: nothing listens on port 9."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("HAVEN_")}
    environ.update(
        HAVEN_DEBUG="true",
        HAVEN_DATA_DIR=str(tmp_path),
        HAVEN_ALLOWED_HOSTS="testserver",
        HAVEN_DATABASE_URL="postgresql://postgres@127.0.0.1:9/haven?connect_timeout=2",
    )
    code = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code, r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**environ, "DJANGO_SETTINGS_MODULE": "haven.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {"status": "error", "database": "unreachable"}


@pytest.mark.django_db
def test_a_lost_database_connection_is_answered_503_with_retry_after(client, monkeypatch):
    """A connection cut mid-request (a restart, a fail-over): the app may send it again."""
    from django.db.utils import OperationalError

    def cut(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("haven.screening.api.check_job_offer", cut)
    client.raise_request_exception = False
    response = client.post(
        "/api/v1/screening/job-offer-check",
        {"text": "Tuyển gấp lao động", "lang": "vi"},
        content_type="application/json",
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response.json()["detail"] in (
        "Haven is busy for a moment. Please try again in a few seconds.",
        "Haven đang bận một chút. Xin thử lại sau vài giây.",
    )


@pytest.mark.django_db
def test_other_errors_stay_500(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("haven.screening.api.check_job_offer", broken)
    client.raise_request_exception = False
    response = client.post(
        "/api/v1/screening/job-offer-check",
        {"text": "Tuyển gấp lao động", "lang": "vi"},
        content_type="application/json",
    )
    assert response.status_code == 500
    assert "Retry-After" not in response
