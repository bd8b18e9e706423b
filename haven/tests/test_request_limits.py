"""Too many files or too large a body: 413 with a clear message, JSON for the API, a page for
forms, in development and in production mode; and the API's 429 says when to come back."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from haven.lib.public_forms import form_token

ENGLISH = {"Accept-Language": "en"}
REPORT = {"description": "probe", "country": "VN", "children_involved": "unknown"}


def files(count: int) -> list:
    return [SimpleUploadedFile(f"note{n}.txt", b"hello", "text/plain") for n in range(count)]


@pytest.fixture(params=[True, False], ids=["development", "production"])
def mode(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.django_db
class TestTooMuch:
    def test_too_many_files_to_the_api(self, client, settings, mode):
        response = client.post(
            "/api/v1/reports",
            {**REPORT, "files": files(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)},
            headers=ENGLISH,
        )
        assert response.status_code == 413
        body = response.json()
        assert "at most 5 files" in body["detail"] and body["errors"] == []

    def test_too_many_files_to_the_form(self, client, settings, mode):
        response = client.post(
            "/en/report/new/",
            {**REPORT, "form_token": form_token(), "files": files(6)},
        )
        assert response.status_code == 413
        assert response["Content-Type"].startswith("text/html")
        assert b"at most 5 files" in response.content
        assert b"Traceback" not in response.content

    def test_too_large_a_json_body(self, client, settings, mode):
        body = b'{"description": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b'"}'
        response = client.post(
            "/api/v1/reports", body, content_type="application/json", headers=ENGLISH
        )
        assert response.status_code == 413
        assert "too large" in response.json()["detail"]

    def test_too_large_a_form(self, client, settings, mode):
        response = client.post(
            "/en/report/new/",
            {**REPORT, "form_token": form_token(), "when": "x" * (2 * 1024 * 1024 + 1)},
        )
        assert response.status_code == 413
        assert b"too large" in response.content

    def test_a_multipart_body_over_every_allowed_file(self, client, settings, mode):
        settings.HAVEN_ATTACHMENT_MAX_MB = 1
        big = SimpleUploadedFile("big.txt", b"x" * (8 * 1024 * 1024), "text/plain")
        response = client.post("/api/v1/reports", {**REPORT, "files": [big]})
        assert response.status_code == 413

    def test_nothing_is_stored(self, client, mode):
        from haven.reports.models import Report

        before = Report.objects.count()
        client.post("/api/v1/reports", {**REPORT, "files": files(6)})
        assert Report.objects.count() == before


@pytest.mark.django_db
def test_the_apis_receipt_429_says_when_to_come_back(client):
    statuses = []
    for _ in range(4):
        response = client.get("/api/v1/reports/mine", headers={"X-Receipt": "0" * 16})
        statuses.append(response.status_code)
    assert statuses == [404, 404, 404, 429]
    assert 0 < int(response["Retry-After"]) <= 30


@pytest.mark.django_db
def test_the_apis_report_429_says_when_to_come_back(client, settings):
    settings.HAVEN_REPORTS_PER_HOUR = 1
    client.post(
        "/api/v1/reports", {**REPORT, "description": "one"}, content_type="application/json"
    )
    response = client.post("/api/v1/reports", REPORT, content_type="application/json")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
