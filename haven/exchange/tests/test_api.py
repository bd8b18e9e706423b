"""The exchange API: export only your organisation's cases, import with errors by row and field.

The router is `haven.exchange.api.router`, mounted in `haven/api.py` before the cases
router (whose `/cases/{case_id}` would otherwise answer for `/cases/export`).
"""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from haven.accounts.services import create_api_token
from haven.audit.models import Event
from haven.cases.models import Case
from haven.cases.tests.helpers import make_case
from haven.exchange.tests.helpers import GOOD, TEMPLATE_HEADER, csv_file, rich_case

pytestmark = pytest.mark.django_db
EXPORT = "/api/v1/cases/export"
IMPORT = "/api/v1/cases/import"


def token(user):
    """The token's header, and English: messages are checked in English."""
    secret = create_api_token(user, actor=user, name="t")[1]
    return {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}


def body_of(response) -> str:
    return b"".join(response.streaming_content).decode()


def upload(client, user, text: str, name: str = "cases.csv", **query):
    url = IMPORT + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(url, {"file": file}, headers=token(user))


class TestExport:
    def test_without_a_token_401(self, client):
        assert client.get(EXPORT).status_code == 401
        assert client.post(IMPORT, "x", content_type="text/csv").status_code == 401

    def test_analysts_403(self, client, dave):
        response = client.get(EXPORT, headers=token(dave))
        assert response.status_code == 403
        assert response.json()["detail"] == "Your role does not allow this."
        assert upload(client, dave, csv_file(GOOD)).status_code == 403

    def test_csv_download_of_the_callers_organisation_only(self, client, alice, carol, mallory):
        case = rich_case(alice, carol)
        make_case(mallory)
        response = client.get(EXPORT, headers=token(alice))
        assert response.status_code == 200 and response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="haven-cases-')
        assert "no-store" in response["Cache-Control"]
        rows = list(csv.reader(io.StringIO(body_of(response))))
        assert rows[0] == [*TEMPLATE_HEADER, "prs_MiddleName"] and len(rows) == 3
        assert {row[0] for row in rows[1:]} == {"alice"}
        # The shelter received a referral of the case: it is still not the shelter's to export.
        assert len(body_of(client.get(EXPORT, headers=token(carol))).splitlines()) == 1
        theirs = body_of(client.get(f"{EXPORT}?format=csv&extended=true", headers=token(mallory)))
        assert case.reference not in theirs and "Nguyễn Thị" not in theirs
        assert "mallory" in theirs and "cas_Reference" in theirs.splitlines()[0]

    def test_json_and_the_audit_event(self, client, alice, carol):
        rich_case(alice, carol)
        response = client.get(f"{EXPORT}?format=json", headers=token(alice))
        assert response["Content-Type"] == "application/json"
        document = json.loads(body_of(response))
        assert len(document["cases"]) == 1 and len(document["cases"][0]["participants"]) == 3
        event = Event.objects.filter(action="cases.exported").latest("seq")
        assert event.actor_username == "alice"
        assert event.summary == {
            "format": "json",
            "extended": False,
            "cases": 1,
            "via": "api",
            "scope": "organisation",
        }

    def test_an_unknown_format_is_422(self, client, alice):
        response = client.get(f"{EXPORT}?format=xlsx", headers=token(alice))
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "format"


class TestImport:
    def test_a_valid_file_is_imported(self, client, alice):
        response = upload(client, alice, csv_file(GOOD, {**GOOD, "prs_FirstName": "Mai"}))
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["written"] and (body["cases"], body["people"]) == (2, 2)
        assert body["errors"] == []
        assert Case.objects.filter(organisation=alice.organisation, source="import").count() == 2
        event = Event.objects.get(action="cases.imported")
        assert event.actor_username == "alice" and event.summary["cases"] == 2

    def test_errors_are_422_with_row_field_and_message(self, client, alice):
        response = upload(client, alice, csv_file(GOOD, {**GOOD, "prs_Email": "lan@"}))
        assert response.status_code == 422
        assert response.json() == {
            "detail": "The file has errors: nothing was imported.",
            "errors": [
                {"row": 3, "field": "prs_Email", "message": "is not a valid e-mail address"}
            ],
        }
        assert not Case.objects.filter(organisation=alice.organisation).exists()

    def test_skip_invalid_and_dry_run(self, client, alice):
        text = csv_file(GOOD, {**GOOD, "prs_Gender": "?"})
        response = upload(client, alice, text, dry_run="true")
        assert response.status_code == 422
        assert response.json()["detail"] == "The file has errors: nothing would be imported."
        response = upload(client, alice, text, dry_run="true", skip_invalid="true")
        assert response.status_code == 200
        assert response.json()["cases"] == 1 and not response.json()["written"]
        assert not Case.objects.filter(organisation=alice.organisation).exists()
        response = upload(client, alice, text, skip_invalid="true")
        body = response.json()
        assert body["written"] and body["cases"] == 1 and body["invalid_rows"] == 1
        assert [error["row"] for error in body["errors"]] == [3]

    def test_a_json_body(self, client, alice, carol):
        document = {"cases": [{"cas_CaseOwner": "carol", "cas_Country": "TH", "participants": []}]}
        response = client.post(
            IMPORT, json.dumps(document), content_type="application/json", headers=token(carol)
        )
        assert response.status_code == 200, response.content
        assert Case.objects.get(organisation=carol.organisation).country == "TH"
        document["cases"][0]["cas_CaseOwner"] = "alice"
        response = client.post(
            IMPORT, json.dumps(document), content_type="application/json", headers=token(carol)
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {
                "row": 1,
                "field": "cas_CaseOwner",
                "message": "“alice” is not a user of Shelter HN",
            }
        ]

    def test_a_file_too_large_for_the_api_is_413(self, client, alice, settings):
        settings.HAVEN_ATTACHMENT_MAX_MB = 1
        text = csv_file(*[GOOD] * 14_000)
        assert len(text) > 1024 * 1024
        response = upload(client, alice, text)
        assert response.status_code == 413
        assert "haven import_htcds" in response.json()["detail"]

    def test_a_request_without_a_file(self, client, alice):
        response = client.post(IMPORT, {"other": "x"}, headers=token(alice))
        assert response.status_code == 422 and "“file”" in response.json()["detail"]
        response = client.post(IMPORT, "", content_type="text/csv", headers=token(alice))
        assert response.status_code == 422
