"""Consultations: public comments without an account, moderation, submissions, phases."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from haven.audit.models import Event
from haven.lib.public_forms import form_token
from haven.participation.models import Consultation, Contribution
from haven.participation.tests.conftest import auth

pytestmark = pytest.mark.django_db


def post_comment(client, consultation, body="Add shelters in the north.", token=None):
    return client.post(
        f"/en/consultations/{consultation.pk}/",
        {"body": body, "form_token": form_token() if token is None else token},
    )


def api(client, method, path, user=None, data=None):
    headers = auth(user) if user else {}
    call = getattr(client, method)
    if data is None:
        return call(path, headers=headers)
    return call(path, data, content_type="application/json", headers=headers)


class TestPublicComments:
    def test_a_comment_waits_for_moderation_and_keeps_nothing_about_the_sender(
        self, client, open_consultation
    ):
        response = post_comment(client, open_consultation)
        assert response.status_code == 202
        assert "moderator" in response.content.decode()
        assert not response.cookies  # no session, no CSRF cookie
        comment = Contribution.objects.get()
        assert comment.moderation == "pending" and comment.author is None
        assert comment.organisation is None
        fields = {f.name for f in Contribution._meta.get_fields()}
        assert not fields & {"ip", "address", "user_agent"}
        page = client.get(f"/en/consultations/{open_consultation.pk}/").content.decode()
        assert "Add shelters in the north." not in page

    def test_a_closed_consultation_refuses_comments_with_a_clear_message(
        self, client, open_consultation
    ):
        Consultation.objects.filter(pk=open_consultation.pk).update(status="closed")
        response = post_comment(client, open_consultation)
        assert response.status_code == 400
        assert "This consultation is closed" in response.content.decode()
        assert not Contribution.objects.exists()

    def test_a_consultation_past_its_closing_date_refuses_too(self, client, open_consultation):
        yesterday = timezone.localdate() - timedelta(days=1)
        Consultation.objects.filter(pk=open_consultation.pk).update(closes=yesterday)
        assert post_comment(client, open_consultation).status_code == 400

    @pytest.mark.parametrize(
        ("body", "reason"),
        [("   ", "Write your comment"), ("x" * 3001, "at most 3000 characters")],
    )
    def test_an_empty_or_oversized_comment_is_400_with_a_reason(
        self, client, open_consultation, body, reason
    ):
        response = post_comment(client, open_consultation, body=body)
        assert response.status_code == 400
        assert reason in response.content.decode()
        assert not Contribution.objects.exists()

    def test_a_post_without_the_signed_token_is_refused(self, open_consultation):
        response = post_comment(Client(enforce_csrf_checks=True), open_consultation, token="x")
        assert response.status_code == 403
        assert not Contribution.objects.exists()

    def test_comments_are_rate_limited(self, client, open_consultation, settings):
        settings.HAVEN_REPORTS_PER_HOUR = 2
        assert post_comment(client, open_consultation).status_code == 202
        assert post_comment(client, open_consultation).status_code == 202
        response = post_comment(client, open_consultation)
        assert response.status_code == 429 and int(response["Retry-After"]) > 0

    def test_a_draft_is_not_found(self, client, open_consultation):
        Consultation.objects.filter(pk=open_consultation.pk).update(status="draft")
        assert client.get(f"/en/consultations/{open_consultation.pk}/").status_code == 404
        assert client.get("/api/v1/consultations").json()["count"] == 0


class TestModeration:
    def test_the_manager_publishes_and_the_page_shows_it(self, client, open_consultation, dave):
        post_comment(client, open_consultation)
        path = f"/api/v1/consultations/{open_consultation.pk}/contributions?status=pending"
        pending = api(client, "get", path, dave).json()["items"]
        assert len(pending) == 1
        # Without consult.manage the queue is not shown: the published list is.
        assert api(client, "get", path).json()["count"] == 0
        response = api(
            client,
            "post",
            f"/api/v1/contributions/{pending[0]['id']}/moderate",
            dave,
            {"decision": "accept"},
        )
        assert response.status_code == 200 and response.json()["moderation"] == "published"
        assert Event.objects.filter(action="consultation.moderated").exists()
        page = client.get(f"/vi/consultations/{open_consultation.pk}/").content.decode()
        assert "Add shelters in the north." in page

    def test_moderation_needs_the_capability_and_a_reason_to_reject(
        self, client, open_consultation, dave, alice, oscar
    ):
        post_comment(client, open_consultation)
        comment = Contribution.objects.get()
        path = f"/api/v1/contributions/{comment.pk}/moderate"
        assert api(client, "post", path, data={"decision": "publish"}).status_code == 401
        # A pending comment is invisible to those who may not moderate it.
        assert api(client, "post", path, alice, {"decision": "publish"}).status_code == 404
        response = api(client, "post", path, dave, {"decision": "reject"})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "reason"
        assert api(client, "post", path, dave, {"decision": "maybe"}).status_code == 422
        comment.moderation = "published"
        comment.save()
        assert (
            api(client, "post", path, oscar, {"decision": "reject", "reason": "x"}).status_code
            == 403
        )


class TestManaging:
    BODY = {
        "title": "Draft plan",
        "summary": "S",
        "sections": [{"title": "Scope", "body": "All provinces."}],
        "languages": ["vi", "en"],
        "public": True,
        "opens": "2026-01-01",
        "closes": "2026-02-01",
    }

    def test_only_consult_manage_creates_and_drafts_stay_hidden(self, client, dave, alice, oscar):
        assert api(client, "post", "/api/v1/consultations", data=self.BODY).status_code == 401
        assert api(client, "post", "/api/v1/consultations", alice, self.BODY).status_code == 403
        response = api(client, "post", "/api/v1/consultations", dave, self.BODY)
        assert response.status_code == 201 and response.json()["phase"] == "draft"
        created = response.json()["id"]
        assert api(client, "get", f"/api/v1/consultations/{created}", oscar).status_code == 404
        assert api(client, "get", f"/api/v1/consultations/{created}", dave).status_code == 200

    def test_bad_dates_and_jumps_are_refused_with_the_field(self, client, dave):
        bad = {**self.BODY, "closes": "2025-12-01"}
        response = api(client, "post", "/api/v1/consultations", dave, bad)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "closes"
        for field, value in (("title", "x" * 201), ("summary", " "), ("sections", [])):
            response = api(client, "post", "/api/v1/consultations", dave,
                           {**self.BODY, field: value})  # fmt: skip
            assert response.status_code == 422
            assert response.json()["errors"][0]["field"] == field
        created = api(client, "post", "/api/v1/consultations", dave, self.BODY).json()["id"]
        path = f"/api/v1/consultations/{created}"
        response = api(client, "patch", path, dave, {"phase": "closed"})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "phase"
        response = api(client, "patch", path, dave, {"phase": "draft", "response": "x"})
        assert response.json()["errors"][0]["field"] == "response"

    def test_open_close_and_publish_what_changed(self, client, open_consultation, dave, oscar):
        path = f"/api/v1/consultations/{open_consultation.pk}"
        assert api(client, "patch", path, oscar, {"phase": "closed"}).status_code == 403
        summary = "We heard: more shelters. We changed: section 2 now plans two shelters."
        response = api(client, "patch", path, dave, {"phase": "closed", "response": summary})
        assert response.status_code == 200 and response.json()["accepts_comments"] is False
        page = client.get("/en/consultations/").content.decode()
        assert "Draft national plan" in page
        page = client.get(f"/en/consultations/{open_consultation.pk}/").content.decode()
        assert "What we heard and what changed" in page and "two shelters" in page
        assert "Send comment" not in page


class TestSubmissions:
    def test_a_member_comments_and_is_named_at_once(self, client, open_consultation, carol):
        path = f"/api/v1/consultations/{open_consultation.pk}/contributions"
        body = {"kind": "comment", "section": 2, "body": "Shelter HN proposes more beds."}
        response = api(client, "post", path, carol, body)
        assert response.status_code == 201 and response.json()["organisation"] == "Shelter HN"
        assert response.json()["section"] == 2 and response.json()["moderation"] == "published"
        contribution = Contribution.objects.get()
        assert contribution.kind == "comment" and contribution.author == carol
        page = client.get(f"/en/consultations/{open_consultation.pk}/").content.decode()
        assert "Shelter HN proposes more beds." in page and "Shelter HN" in page
        assert Event.objects.filter(action="consultation.contributed").exists()

    def test_an_empty_comment_is_refused_with_the_field(self, client, open_consultation, carol):
        path = f"/api/v1/consultations/{open_consultation.pk}/contributions"
        response = api(client, "post", path, carol, {"kind": "comment", "body": ""})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "body"
