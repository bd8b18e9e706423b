"""Indicators on commitments and their values in progress reports; meetings and the national
programme loaded from content; the per-commitment progress API."""

import pytest
from django.utils import translation

from haven.conftest import CONTENT
from haven.participation.content import CommitmentsError, load_commitments
from haven.participation.models import Commitment, Meeting, ProgressReport, Recommendation
from haven.participation.tests.conftest import auth

pytestmark = pytest.mark.django_db
GOOD = {
    "period": "2026-H1",
    "status": "in_progress",
    "indicators": {"people-reached": 1200},
    "narrative": "Sessions in two provinces.",
    "evidence": "https://example.org/sessions",
}
DEMO_MEETINGS = CONTENT.parent / "haven" / "demo" / "meetings"


def post(client, user, code="bohol-a", **changes):
    return client.post(
        f"/api/v1/commitments/{code}/progress",
        {**GOOD, **changes},
        content_type="application/json",
        headers=auth(user) if user else {},
    )


def fields(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


class TestContent:
    def test_indicators_and_the_national_programme_are_loaded(self, commitments):
        indicator = commitments.get(code="vn-2026-reports").indicators.get(code="settled")
        assert indicator.target == 90 and indicator.unit_en == "%"
        assert commitments.get(code="vn-hotline-111").country == "VN"
        assert not commitments.get(code="vn-2026-reports").verified

    def test_a_meeting_links_recommendations_to_articles_and_actions(self, commitments):
        load_commitments(CONTENT / "commitments", DEMO_MEETINGS)
        meeting = Meeting.objects.get(slug="demo-hanoi-workshop")
        assert meeting.fictional
        first = Recommendation.objects.get(code="demo-hanoi-r1")
        assert {c.code for c in first.serves.all()} == {"actip-art-11", "bohol-a"}
        action = first.actions.get()
        assert action.instrument.slug == "vn-programme" and action.indicators.count() == 1
        again = load_commitments(CONTENT / "commitments", DEMO_MEETINGS)
        assert again.created == 0 and Recommendation.objects.count() == 2

    def test_an_unknown_article_or_a_bad_number_is_refused(self, commitments, tmp_path):
        (tmp_path / "m.yaml").write_text(
            "slug: m\nname: {en: M}\nsummary: {en: S}\nrecommendations:\n"
            "  - {code: r, text: {en: T}, serves: [nowhere]}\n",
            encoding="utf-8",
        )
        with pytest.raises(CommitmentsError, match="nowhere"):
            load_commitments(CONTENT / "commitments", tmp_path)
        (tmp_path / "m.yaml").write_text(
            "slug: x\nname: {en: X}\nsummary: {en: S}\ncommitments:\n"
            "  - {code: x-1, reference: A, title: {en: T}, summary: {en: S},\n"
            "     indicators: [{code: i, name: {en: N}, unit: {en: u}, target: lots}]}\n",
            encoding="utf-8",
        )
        with pytest.raises(CommitmentsError, match="target"):
            load_commitments(tmp_path)
        assert not Commitment.objects.filter(code="x-1").exists()

    def test_references_read_in_the_page_language(self, commitments):
        bohol = commitments.get(code="bohol-a")
        with translation.override("vi"):
            assert bohol.reference_label == "Lĩnh vực A"
        with translation.override("en"):
            assert bohol.reference_label == "Area A"


class TestProgressWithIndicators:
    def test_the_lead_reports_values_that_are_kept(self, client, commitments, oscar):
        response = post(client, oscar)
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["indicators"] == {"people-reached": 1200}
        assert body["narrative"] == GOOD["narrative"]
        assert ProgressReport.objects.get().indicators == {"people-reached": 1200}

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"nobody-knows": 3}, "indicators.nobody-knows"),
            ({"people-reached": "many"}, "indicators.people-reached"),
            ({"people-reached": True}, "indicators.people-reached"),
            ({"people-reached": "NaN"}, "indicators.people-reached"),
        ],
    )
    def test_bad_values_are_422_naming_the_field(self, client, commitments, oscar, values, field):
        response = post(client, oscar, indicators=values)
        assert response.status_code == 422 and field in fields(response)
        assert not ProgressReport.objects.exists()

    def test_a_list_instead_of_a_map_and_missing_narrative_are_named(
        self, client, commitments, oscar
    ):
        response = post(client, oscar, indicators=[1, 2], narrative="")
        assert response.status_code == 422
        assert "indicators" in " ".join(fields(response))
        assert not ProgressReport.objects.exists()
        response = post(client, oscar, narrative="")
        assert response.status_code == 422 and "narrative" in fields(response)

    def test_others_cannot_report(self, client, commitments, dave, outsider_admin):
        assert post(client, None).status_code == 401
        assert post(client, dave).status_code == 403  # an analyst, without commitment.report
        assert post(client, outsider_admin).status_code == 403  # Hotline VN leads bohol-a
        assert post(client, dave, code="no-such").status_code == 404
        assert not ProgressReport.objects.exists()

    def test_the_public_list_shows_validated_reports_only(self, client, commitments, oscar, dave):
        first = post(client, oscar).json()
        post(client, oscar, period="2026-H2", narrative="Not checked yet.")
        client.post(
            f"/api/v1/progress/{first['id']}/validate",
            {"decision": "validate", "reason": "Checked."},
            content_type="application/json",
            headers=auth(dave),
        )
        body = client.get("/api/v1/commitments/bohol-a/progress").json()
        assert body["count"] == 1 and body["items"][0]["period"] == "2026-H1"
        mine = client.get("/api/v1/commitments/bohol-a/progress", headers=auth(oscar)).json()
        assert mine["count"] == 2
        assert client.get("/api/v1/commitments/no-such/progress").status_code == 404

    def test_commitments_carry_indicators_and_filter_by_country(self, client, commitments):
        body = client.get("/api/v1/commitments?country=vn").json()
        assert body["count"] == 4 and {c["country"] for c in body["items"]} == {"VN"}
        reports = next(c for c in body["items"] if c["code"] == "vn-2026-reports")
        assert [i["code"] for i in reports["indicators"]] == ["received", "settled"]
        assert reports["indicators"][1]["target"] == 90


def test_the_admin_edits_indicators_for_system_administrators_only(client, commitments, dave):
    from haven.accounts.models import User

    commitment = commitments.get(code="bohol-a")
    url = f"/admin/participation/commitment/{commitment.pk}/change/"
    client.force_login(dave)
    assert client.get(url).status_code == 302  # not staff of the admin: sent to its sign-in
    root = User.objects.create_superuser("root", password="x-correct-horse-9")
    client.force_login(root)
    response = client.get(url)
    assert response.status_code in (200, 302)
