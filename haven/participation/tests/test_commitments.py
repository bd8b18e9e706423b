"""Commitments in the API and on the public pages: who may report, who may validate, what shows."""

import csv
import io

import pytest

from haven.audit.models import Event
from haven.participation.models import ProgressReport, Validation
from haven.participation.tests.conftest import auth

pytestmark = pytest.mark.django_db

GOOD = {
    "commitment": "bohol-a",
    "period": "2026-H1",
    "status": "in_progress",
    "text": "Leaflets given out in two provinces.",
    "evidence": "https://example.org/leaflets",
}


def submit(client, user, **changes):
    return client.post(
        "/api/v1/progress", {**GOOD, **changes}, content_type="application/json", headers=auth(user)
    )


def decide(client, user, report_id, decision="validate", reason="Checked the records."):
    return client.post(
        f"/api/v1/progress/{report_id}/validate",
        {"decision": decision, "reason": reason},
        content_type="application/json",
        headers=auth(user),
    )


class TestLoading:
    def test_loading_twice_changes_nothing_and_keeps_the_lead(self, commitments, hotline):
        from haven.conftest import CONTENT
        from haven.participation.content import load_commitments

        before = commitments.count()
        report = load_commitments(CONTENT / "commitments")
        assert report.created == 0 and report.updated == before and report.instruments == 4
        assert commitments.get(code="bohol-a").lead_organisation == hotline

    def test_a_file_without_english_is_refused(self, db, tmp_path):
        from haven.participation.content import CommitmentsError, load_commitments

        (tmp_path / "x.yaml").write_text("slug: x\nname: {vi: Tên}\n", encoding="utf-8")
        with pytest.raises(CommitmentsError, match="name"):
            load_commitments(tmp_path)


class TestReading:
    def test_anyone_lists_instruments_and_filters_commitments(self, client, commitments):
        body = client.get("/api/v1/instruments").json()
        assert [i["slug"] for i in body["items"]] == ["actip", "apa", "bohol", "vn-programme"]
        body = client.get("/api/v1/commitments?instrument=bohol&area=protection").json()
        assert [c["code"] for c in body["items"]] == ["bohol-b"] and body["count"] == 1

    def test_the_public_sees_validated_progress_only(self, client, commitments, oscar, dave):
        validated = submit(client, oscar).json()["id"]
        submit(client, oscar, period="2026-H2")
        decide(client, dave, validated)
        body = client.get("/api/v1/progress").json()
        assert [r["id"] for r in body["items"]] == [validated]
        assert client.get("/api/v1/progress", headers=auth(oscar)).json()["count"] == 2
        latest = client.get("/api/v1/commitments?status=in_progress").json()["items"]
        assert [c["code"] for c in latest] == ["bohol-a"] and latest[0][
            "latest_period"
        ] == "2026-H1"

    def test_pending_reports_of_another_organisation_stay_hidden(
        self, client, commitments, oscar, outsider_admin
    ):
        submit(client, oscar)
        assert client.get("/api/v1/progress", headers=auth(outsider_admin)).json()["count"] == 0

    def test_the_csv_guards_formulas(self, client, commitments, oscar, dave):
        report = submit(client, oscar, text='=HYPERLINK("https://evil")').json()["id"]
        decide(client, dave, report)
        response = client.get("/api/v1/progress.csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][0] == "instrument" and rows[1][6].startswith("'=")


class TestSubmitting:
    def test_the_lead_organisation_reports_and_it_is_audited(self, client, commitments, oscar):
        response = submit(client, oscar)
        assert response.status_code == 201
        report = ProgressReport.objects.get(pk=response.json()["id"])
        assert report.organisation == oscar.organisation and report.validation == "pending"
        assert Event.objects.filter(action="commitment.progress_submitted").exists()

    def test_bad_values_are_named(self, client, commitments, oscar):
        response = submit(client, oscar, period="2026", status="done", text=" ", evidence="x")
        assert response.status_code == 422
        fields = {error["field"] for error in response.json()["errors"]}
        assert fields == {"period", "status", "text", "evidence"}

    def test_an_oversized_narrative_is_refused(self, client, commitments, oscar):
        response = submit(client, oscar, text="x" * 5001)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "text"

    def test_roles_without_commitment_report_get_403(self, client, commitments, alice, dave):
        assert submit(client, alice).status_code == 403
        assert submit(client, dave).status_code == 403

    def test_another_organisation_may_not_report_on_a_led_commitment(
        self, client, commitments, shelter_admin
    ):
        assert submit(client, shelter_admin).status_code == 403
        # A commitment no organisation on Haven leads is open to any organisation administrator.
        assert submit(client, shelter_admin, commitment="apa-a").status_code == 201

    def test_an_unknown_commitment_is_404_and_no_token_is_401(self, client, commitments, oscar):
        assert submit(client, oscar, commitment="nope").status_code == 404
        response = client.post("/api/v1/progress", GOOD, content_type="application/json")
        assert response.status_code == 401


class TestValidating:
    def test_an_analyst_validates_with_a_reason_and_it_is_audited(
        self, client, commitments, oscar, dave
    ):
        report = submit(client, oscar).json()["id"]
        response = decide(client, dave, report)
        assert response.status_code == 200 and response.json()["validation"] == "validated"
        event = Event.objects.get(action="commitment.progress_validated")
        assert event.actor_username == "dave" and event.summary["decision"] == "validate"
        again = decide(client, dave, report, decision="send_back")
        assert again.status_code == 422  # decided already

    def test_sending_back_needs_a_reason(self, client, commitments, oscar, dave):
        report = submit(client, oscar).json()["id"]
        response = decide(client, dave, report, decision="send_back", reason="")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "reason"
        response = decide(client, dave, report, decision="maybe")
        assert response.json()["errors"][0]["field"] == "decision"
        assert decide(client, dave, report, decision="send_back").json()["validation"] == (
            Validation.SENT_BACK
        )

    def test_the_submitting_organisation_may_not_validate(self, client, commitments, oscar):
        report = submit(client, oscar).json()["id"]
        assert decide(client, oscar, report).status_code == 403

    def test_nobody_validates_what_they_submitted(self, client, commitments, dave, oscar):
        report = submit(client, oscar).json()["id"]
        ProgressReport.objects.filter(pk=report).update(submitted_by=dave)
        assert decide(client, dave, report).status_code == 403

    def test_outsiders_get_404(self, client, commitments, oscar, outsider_admin):
        report = submit(client, oscar).json()["id"]
        assert decide(client, outsider_admin, report).status_code == 404
        assert decide(client, outsider_admin, 999999).status_code == 404
        assert decide(client, outsider_admin, 2**70).status_code == 404


class TestPages:
    @pytest.mark.parametrize("language", ["vi", "en"])
    def test_the_list_shows_the_latest_validated_status(
        self, client, commitments, oscar, dave, language
    ):
        decide(client, dave, submit(client, oscar).json()["id"])
        submit(client, oscar, period="2026-H2", status="completed")  # pending: not shown
        response = client.get(f"/{language}/commitments/")
        page = response.content.decode()
        assert response.status_code == 200 and len(response.content) < 50_000
        assert "2026-H1" in page and "2026-H2" not in page
        title = (
            "Phòng ngừa buôn bán người" if language == "vi" else "Prevent trafficking in persons"
        )
        assert title in page

    def test_a_commitment_page_shows_validated_progress_only(
        self, client, commitments, oscar, dave
    ):
        decide(client, dave, submit(client, oscar).json()["id"])
        submit(client, oscar, period="2026-H2", text="Still waiting for the analyst.")
        response = client.get("/en/commitments/bohol-a/")
        page = response.content.decode()
        assert response.status_code == 200 and len(response.content) < 50_000
        assert "Leaflets given out" in page and "Still waiting" not in page
        assert client.get("/en/commitments/nope/").status_code == 404

    def test_the_pages_only_read(self, client, commitments):
        assert client.post("/en/commitments/").status_code == 405
