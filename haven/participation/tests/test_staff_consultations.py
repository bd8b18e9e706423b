"""The members' consultation pages: signed in only, drafts hidden, roles, CSRF, the forms work."""

import pytest

from haven.conftest import sign_in
from haven.participation.models import Consultation, Contribution

pytestmark = pytest.mark.django_db
BASE = "/en/staff/participation/"


def page(consultation, suffix=""):
    return f"{BASE}consultations/{consultation.pk}/{suffix}"


def test_anonymous_visitors_are_sent_to_sign_in(client, open_consultation):
    for url in (f"{BASE}consultations/", page(open_consultation)):
        response = client.get(url)
        assert response.status_code == 302 and "/staff/login/" in response["Location"]
    response = client.post(page(open_consultation, "contribute/"), {"kind": "comment"})
    assert response.status_code == 302 and not Contribution.objects.exists()


def test_a_draft_is_not_found_for_members_who_do_not_manage(client, open_consultation, carol):
    Consultation.objects.filter(pk=open_consultation.pk).update(status="draft")
    sign_in(client, carol)
    assert client.get(page(open_consultation)).status_code == 404
    body = {"kind": "comment", "body": "x"}
    assert client.post(page(open_consultation, "contribute/"), body).status_code == 404
    assert "Draft national plan" not in client.get(f"{BASE}consultations/").content.decode()


def test_wrong_roles_get_403(client, open_consultation, carol, oscar):
    sign_in(client, carol)
    assert client.post(f"{BASE}consultations/new/", {"title": "x"}).status_code == 403
    assert client.post(page(open_consultation, "phase/"), {"phase": "closed"}).status_code == 403
    made = Contribution.objects.create(
        consultation=open_consultation, kind="amendment", section=1, body="x",
        moderation="published",
    )  # fmt: skip
    response = client.post(f"{BASE}proposals/{made.pk}/answer/", {"decision": "accepted"})
    assert response.status_code == 403
    assert Consultation.objects.get(pk=open_consultation.pk).status == "open"


def test_csrf_is_enforced(csrf_client, open_consultation, carol, dave):
    sign_in(csrf_client, carol)
    body = {"kind": "comment", "section": "1", "body": "x"}
    assert csrf_client.post(page(open_consultation, "contribute/"), body).status_code == 403
    sign_in(csrf_client, dave)
    response = csrf_client.post(page(open_consultation, "phase/"), {"phase": "closed"})
    assert response.status_code == 403
    response = csrf_client.post(f"{BASE}consultations/new/", {"title": "x"})
    assert response.status_code == 403
    assert not Contribution.objects.exists()
    assert Consultation.objects.get(pk=open_consultation.pk).status == "open"


def test_the_manager_creates_a_draft_from_sections(client, dave):
    sign_in(client, dave)
    body = {
        "title": "Draft national plan 2026",
        "summary": "For comments.",
        "sections": "## Prevention\nSchools.\n\n## Protection\nShelters.",
        "languages": ["vi", "en"],
        "opens": "2026-01-01",
        "closes": "2026-02-01",
        "public": "on",
    }
    response = client.post(f"{BASE}consultations/new/", body)
    created = Consultation.objects.get(title="Draft national plan 2026")
    assert response.status_code == 302 and created.status == "draft"
    assert [s["title"] for s in created.sections] == ["Prevention", "Protection"]
    assert created.languages == ["vi", "en"] and created.public
    response = client.post(f"{BASE}consultations/new/", {**body, "sections": "no heading"})
    assert response.status_code == 302
    assert Consultation.objects.filter(title="Draft national plan 2026").count() == 1


def test_members_comment_and_the_organiser_answers(client, open_consultation, carol, dave):
    sign_in(client, carol)
    body = {"kind": "amendment", "section": "2", "body": "Two shelters in each province."}
    assert client.post(page(open_consultation, "contribute/"), body).status_code == 302
    made = Contribution.objects.get()
    assert made.organisation == carol.organisation and made.moderation == "published"
    assert "Support this proposal" not in client.get(page(open_consultation)).content.decode()
    sign_in(client, dave)
    client.post(page(open_consultation, "phase/"), {"phase": "closed"})
    answer = {"decision": "accepted", "reason": "Agreed."}
    client.post(f"{BASE}proposals/{made.pk}/answer/", answer)
    client.post(page(open_consultation, "phase/"), {"phase": "published", "response": "Thanks."})
    done = Consultation.objects.get(pk=open_consultation.pk)
    assert done.status == "published" and done.response == "Thanks."
    assert Contribution.objects.get().answer == "accepted"
