"""Sections, amendments, support, answers and the published response (API and public pages)."""

import csv
import io

import pytest

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.notifications.models import Notification
from haven.participation.models import Consultation, Contribution
from haven.participation.tests.test_consultations import api

pytestmark = pytest.mark.django_db


def contribute(client, consultation, user=None, **body):
    path = f"/api/v1/consultations/{consultation.pk}/contributions"
    return api(client, "post", path, user, body)


def errors(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.fixture
def amendment(client, open_consultation, carol):
    text = "One shelter in each province, and a <b>hotline</b> for every district."
    response = contribute(client, open_consultation, carol, kind="amendment", section=2, body=text)
    assert response.status_code == 201
    return Contribution.objects.get(pk=response.json()["id"])


def close(consultation):
    Consultation.objects.filter(pk=consultation.pk).update(status="closed")


class TestContributions:
    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"kind": "amendment", "body": "New text"}, "section"),
            ({"kind": "comment", "section": 3, "body": "x"}, "section"),
            ({"kind": "vote", "section": 1, "body": "x"}, "kind"),
            ({"kind": "support", "proposal": 999999}, "proposal"),
        ],
    )
    def test_bad_contributions_name_the_field(self, client, open_consultation, carol, body, field):
        response = contribute(client, open_consultation, carol, **body)
        assert response.status_code == 422 and errors(response) == [field]
        assert not Contribution.objects.exists()

    def test_support_others_proposals_once_never_ones_own(
        self, client, open_consultation, amendment, carol, alice
    ):
        own = contribute(client, open_consultation, carol, kind="support", proposal=amendment.pk)
        assert own.status_code == 422 and errors(own) == ["proposal"]
        other = contribute(client, open_consultation, alice, kind="support", proposal=amendment.pk)
        assert other.status_code == 201 and other.json()["section"] == 2
        again = contribute(client, open_consultation, alice, kind="support", proposal=amendment.pk)
        assert again.status_code == 422
        page = client.get(f"/en/consultations/{open_consultation.pk}/").content.decode()
        assert "supported by 1 member" in page

    def test_the_amendment_is_shown_as_an_escaped_difference(
        self, client, open_consultation, amendment
    ):
        page = client.get(f"/en/consultations/{open_consultation.pk}/").content.decode()
        assert 'id="section-2"' in page and "Awareness sessions in schools." in page
        assert "<ins>" in page and "&lt;b&gt;hotline&lt;/b&gt;" in page
        assert "<b>hotline</b>" not in page
        assert "Shelter HN" in page

    def test_the_public_comments_through_the_api_and_waits(self, client, open_consultation, dave):
        response = contribute(client, open_consultation, kind="comment", section=1, body="Yes.")
        assert response.status_code == 202 and response.json()["moderation"] == "pending"
        assert response.json()["organisation"] is None
        refused = contribute(client, open_consultation, kind="amendment", section=1, body="x")
        assert refused.status_code == 422 and errors(refused) == ["kind"]
        path = f"/api/v1/consultations/{open_consultation.pk}/contributions"
        assert api(client, "get", path).json()["count"] == 0
        pending = api(client, "get", f"{path}?status=pending", dave).json()
        assert pending["count"] == 1 and pending["items"][0]["section"] == 1

    def test_public_api_comments_are_rate_limited(self, client, open_consultation, settings):
        settings.HAVEN_REPORTS_PER_HOUR = 1
        assert contribute(client, open_consultation, kind="comment", body="a").status_code == 202
        response = contribute(client, open_consultation, kind="comment", body="b")
        assert response.status_code == 429 and response.json()["retry_after"] > 0
        assert Contribution.objects.count() == 1

    def test_a_members_only_consultation_refuses_the_public(self, client, open_consultation):
        Consultation.objects.filter(pk=open_consultation.pk).update(public=False)
        response = contribute(client, open_consultation, kind="comment", body="Hello")
        assert response.status_code == 422 and errors(response) == ["consultation"]
        page = client.get(f"/en/consultations/{open_consultation.pk}/").content.decode()
        assert "Send comment" not in page

    def test_lists_filter_and_search(self, client, open_consultation, amendment, alice, carol):
        contribute(client, open_consultation, alice, kind="comment", section=1, body="Good.")
        path = f"/api/v1/consultations/{open_consultation.pk}/contributions"
        assert api(client, "get", f"{path}?section=2").json()["count"] == 1
        assert api(client, "get", f"{path}?kind=comment").json()["items"][0]["body"] == "Good."
        assert api(client, "get", f"{path}?q=HOTLINE").json()["count"] == 1
        assert api(client, "get", f"{path}?q=nothing-like-it").json()["count"] == 0
        shelter = carol.organisation.org_type
        found = api(client, "get", f"{path}?organisation_type={shelter}").json()["items"]
        assert [item["kind"] for item in found] == ["amendment"]


class TestAnswers:
    def answer(self, client, contribution, user, **body):
        return api(client, "post", f"/api/v1/contributions/{contribution.pk}/answer", user, body)

    def test_only_the_organiser_answers_after_closing(
        self, client, open_consultation, amendment, dave, oscar, hotline
    ):
        body = {"decision": "accepted", "reason": "Added."}
        response = self.answer(client, amendment, dave, **body)
        assert response.status_code == 422 and errors(response) == ["decision"]
        close(open_consultation)
        assert self.answer(client, amendment, oscar, **body).status_code == 403
        other = User.objects.create_user("ana", organisation=hotline, role=Role.ANALYST)
        assert self.answer(client, amendment, other, **body).status_code == 403
        assert self.answer(client, amendment, None, **body).status_code == 401
        bad = self.answer(client, amendment, dave, decision="maybe", reason="x")
        assert bad.status_code == 422 and errors(bad) == ["decision"]
        bad = self.answer(client, amendment, dave, decision="accepted", reason=" ")
        assert bad.status_code == 422 and errors(bad) == ["reason"]

    def test_publishing_needs_every_proposal_answered_and_the_author_is_told(
        self, client, open_consultation, amendment, dave, carol
    ):
        path = f"/api/v1/consultations/{open_consultation.pk}"
        assert api(client, "patch", path, dave, {"phase": "closed"}).status_code == 200
        refused = api(client, "patch", path, dave, {"phase": "published"})
        assert refused.status_code == 422 and errors(refused) == ["phase"]
        assert f"#{amendment.pk}" in refused.json()["errors"][0]["message"]
        reason = "Partly: the hotline is national, not per district."
        answered = self.answer(client, amendment, dave, decision="partly_accepted", reason=reason)
        assert answered.status_code == 200 and answered.json()["answer"] == "partly_accepted"
        notice = Notification.objects.get(recipient=carol)
        assert notice.kind == "proposal.answered" and str(open_consultation.pk) in notice.link
        published = api(client, "patch", path, dave, {"phase": "published"})
        assert published.status_code == 200 and published.json()["phase"] == "published"
        page = client.get(f"/vi/consultations/{open_consultation.pk}/response/")
        assert page.status_code == 200 and reason in page.content.decode()
        english = client.get(f"/en/consultations/{open_consultation.pk}/response/").content
        assert "We received 0 published comments and 1 proposed amendment." in english.decode()
        assert "participation.css" in page.content.decode()

    def test_a_comment_is_not_answered(self, client, open_consultation, carol, dave):
        made = contribute(client, open_consultation, carol, kind="comment", body="Fine.")
        close(open_consultation)
        comment = Contribution.objects.get(pk=made.json()["id"])
        response = self.answer(client, comment, dave, decision="accepted", reason="x")
        assert response.status_code == 422 and errors(response) == ["contribution"]


class TestResponseReport:
    def test_no_report_before_it_is_published(self, client, open_consultation):
        for suffix in ("response/", "response.csv"):
            url = f"/en/consultations/{open_consultation.pk}/{suffix}"
            assert client.get(url).status_code == 404
        close(open_consultation)
        assert client.get(f"/en/consultations/{open_consultation.pk}/response/").status_code == 404

    def test_the_csv_guards_cells_a_spreadsheet_would_run(
        self, client, open_consultation, carol, dave
    ):
        made = contribute(client, open_consultation, carol, kind="amendment", section=1,
                          body='=HYPERLINK("https://evil")')  # fmt: skip
        close(open_consultation)
        Contribution.objects.filter(pk=made.json()["id"]).update(
            answer="not_accepted", answer_reason="Out of scope."
        )
        Consultation.objects.filter(pk=open_consultation.pk).update(status="published")
        response = client.get(f"/en/consultations/{open_consultation.pk}/response.csv")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][0] == "proposal" and rows[1][5] == "not_accepted"
        assert not rows[1][3].startswith("=")
