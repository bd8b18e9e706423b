import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from haven.accounts.services import create_api_token
from haven.reports.models import Attachment, Report, Status
from haven.reports.tests.helpers import DESCRIPTION, jpeg_with_gps

REPORT = {
    "country": "VN",
    "description": DESCRIPTION,
    "when": "tuần trước",
    "people_count": 3,
    "children_involved": True,
    "exploitation_types": ["ForcedLabour"],
    "danger_now": True,
    "contact": "",
    "language": "vi",
}


def token(user):
    return {"Authorization": f"Bearer {create_api_token(user, actor=user, name='t')[1]}"}


@pytest.mark.django_db
class TestSubmitApi:
    def test_json_gives_a_receipt(self, client):
        response = client.post("/api/v1/reports", REPORT, content_type="application/json")
        assert response.status_code == 201
        receipt = response.json()["receipt"]
        assert len(receipt) == 16 and receipt.isdigit()
        report = Report.objects.get()
        assert report.danger_now and report.children_involved and report.people_count == 3

    def test_multipart_with_a_photo(self, client):
        photo = SimpleUploadedFile("x.jpg", jpeg_with_gps(), content_type="image/jpeg")
        data = {
            **REPORT,
            "exploitation_types": ["ForcedLabour"],
            "danger_now": "true",
            "children_involved": "",
            "files": [photo],
        }
        response = client.post("/api/v1/reports", data)
        assert response.status_code == 201
        assert Attachment.objects.get().content_type == "image/jpeg"

    def test_every_invalid_field_is_named(self, client):
        bad = {
            **REPORT,
            "country": "FR",
            "description": "",
            "people_count": 0,
            "exploitation_types": ["Juggling"],
            "language": "fr",
        }
        response = client.post("/api/v1/reports", bad, content_type="application/json")
        assert response.status_code == 422
        fields = sorted(error["field"].split(".")[0] for error in response.json()["errors"])
        assert fields == [
            "country",
            "description",
            "exploitation_types",
            "language",
            "people_count",
        ]
        assert not Report.objects.exists()

    def test_missing_fields_are_named(self, client):
        response = client.post("/api/v1/reports", {}, content_type="application/json")
        assert sorted(error["field"] for error in response.json()["errors"]) == [
            "country",
            "description",
        ]

    def test_malformed_json_is_422(self, client):
        response = client.post(
            "/api/v1/reports",
            "{not json",
            content_type="application/json",
            headers={"Accept-Language": "en"},
        )
        assert (
            response.status_code == 422
            and response.json()["errors"][0]["message"] == "is not valid JSON"
        )

    def test_a_bad_file_is_422_and_nothing_is_stored(self, client):
        data = {
            **REPORT,
            "files": [
                SimpleUploadedFile("a.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
            ],
        }
        data.pop("exploitation_types")
        response = client.post("/api/v1/reports", data)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "files.1"
        assert not Report.objects.exists()

    def test_rate_limited(self, client, settings):
        settings.HAVEN_REPORTS_PER_HOUR = 1
        assert (
            client.post("/api/v1/reports", REPORT, content_type="application/json").status_code
            == 201
        )
        assert (
            client.post("/api/v1/reports", REPORT, content_type="application/json").status_code
            == 429
        )
        assert Report.objects.count() == 1


@pytest.mark.django_db
class TestMineApi:
    def test_status_and_replies(self, client, alice):
        receipt = client.post("/api/v1/reports", REPORT, content_type="application/json").json()[
            "receipt"
        ]
        report = Report.objects.get()
        report.messages.create(author="staff", staff_user=alice, body="Đã nhận.")
        report.messages.create(author="staff", staff_user=alice, body="secret note", internal=True)
        body = client.get("/api/v1/reports/mine", headers={"X-Receipt": receipt}).json()
        assert body["status"] == "new" and [m["body"] for m in body["messages"]] == ["Đã nhận."]

    def test_the_reporter_adds_a_message(self, client):
        receipt = client.post("/api/v1/reports", REPORT, content_type="application/json").json()[
            "receipt"
        ]
        response = client.post(
            "/api/v1/reports/mine/messages",
            {"body": "thêm"},
            content_type="application/json",
            headers={"X-Receipt": receipt},
        )
        assert response.status_code == 201 and Report.objects.get().messages.get().body == "thêm"

    def test_a_wrong_receipt_is_404_then_429(self, client):
        client.post("/api/v1/reports", REPORT, content_type="application/json")
        for _ in range(3):
            assert (
                client.get(
                    "/api/v1/reports/mine", headers={"X-Receipt": "9999888877776666"}
                ).status_code
                == 404
            )
        assert (
            client.get(
                "/api/v1/reports/mine", headers={"X-Receipt": "9999888877776666"}
            ).status_code
            == 429
        )

    def test_no_receipt_is_404(self, client):
        assert client.get("/api/v1/reports/mine").status_code == 404


@pytest.mark.django_db
class TestTriageApi:
    def test_the_queue_and_a_report(self, client, alice):
        client.post("/api/v1/reports", REPORT, content_type="application/json")
        report = Report.objects.get()
        items = client.get("/api/v1/triage", headers=token(alice)).json()
        assert [item["reference"] for item in items] == [report.reference]
        detail = client.get(f"/api/v1/triage/{report.pk}", headers=token(alice)).json()
        assert detail["description"] == DESCRIPTION

    def test_an_outsider_gets_404_and_an_empty_queue(self, client, mallory):
        client.post("/api/v1/reports", REPORT, content_type="application/json")
        report = Report.objects.get()
        assert client.get("/api/v1/triage", headers=token(mallory)).json() == []
        assert client.get(f"/api/v1/triage/{report.pk}", headers=token(mallory)).status_code == 404

    def test_wrong_role_gets_403(self, client, dave):
        assert client.get("/api/v1/triage", headers=token(dave)).status_code == 403

    def test_no_token_gets_401(self, client):
        assert client.get("/api/v1/triage").status_code == 401

    def test_status_and_messages(self, client, alice):
        client.post("/api/v1/reports", REPORT, content_type="application/json")
        report = Report.objects.get()
        headers = token(alice)
        response = client.post(
            f"/api/v1/triage/{report.pk}/status",
            {"status": "closed"},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "status"
        response = client.post(
            f"/api/v1/triage/{report.pk}/status",
            {"status": "closed", "reason": "duplicate"},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 200 and Report.objects.get().status == Status.CLOSED
        response = client.post(
            f"/api/v1/triage/{report.pk}/messages",
            {"body": "ok"},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 201 and response.json()["staff_user"] == "alice"
