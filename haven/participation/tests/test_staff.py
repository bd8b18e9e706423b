"""The coordinators' page: signed-in only, the right capability, CSRF enforced, decisions kept."""

import pytest

from haven.conftest import sign_in
from haven.participation.models import Contribution, ProgressReport
from haven.participation.services import submit_progress

pytestmark = pytest.mark.django_db
QUEUE = "/en/staff/participation/"


@pytest.fixture
def pending(commitments, oscar):
    return submit_progress(
        oscar, commitments.get(code="bohol-a"), period="2026-H1", status="ongoing", text="Done."
    )


@pytest.fixture
def comment(open_consultation):
    return Contribution.objects.create(
        consultation=open_consultation, kind="comment", body="Hello."
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, pending):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/staff/login/" in response["Location"]
    response = client.post(f"{QUEUE}progress/{pending.pk}/", {"decision": "validate"})
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


def test_roles_without_the_capabilities_get_403(client, alice, oscar, pending, comment):
    assert sign_in(client, alice).get(QUEUE).status_code == 403
    sign_in(client, oscar)
    response = client.post(
        f"{QUEUE}progress/{pending.pk}/", {"decision": "validate", "reason": "x"}
    )
    assert response.status_code == 403
    response = client.post(f"{QUEUE}contributions/{comment.pk}/", {"decision": "accept"})
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.validation == "pending"


def test_the_coordinator_sees_both_queues_and_decides(client, dave, pending, comment):
    page = sign_in(client, dave).get(QUEUE).content.decode()
    assert "Done." in page and "Hello." in page
    response = client.post(
        f"{QUEUE}progress/{pending.pk}/", {"decision": "send_back", "reason": "Add figures."}
    )
    assert response.status_code == 302
    assert ProgressReport.objects.get(pk=pending.pk).validation == "sent_back"
    client.post(f"{QUEUE}contributions/{comment.pk}/", {"decision": "accept"})
    assert Contribution.objects.get(pk=comment.pk).moderation == "published"


def test_a_missing_reason_is_refused_and_said(client, dave, pending, comment):
    sign_in(client, dave)
    response = client.post(f"{QUEUE}progress/{pending.pk}/", {"decision": "validate"}, follow=True)
    assert "is required" in response.content.decode()
    assert ProgressReport.objects.get(pk=pending.pk).validation == "pending"
    response = client.post(
        f"{QUEUE}contributions/{comment.pk}/", {"decision": "reject"}, follow=True
    )
    assert Contribution.objects.get(pk=comment.pk).moderation == "pending"


def test_unknown_items_are_404(client, dave):
    sign_in(client, dave)
    assert client.post(f"{QUEUE}progress/999999/", {"decision": "validate"}).status_code == 404
    assert client.post(f"{QUEUE}contributions/999999/", {"decision": "accept"}).status_code == 404
    huge = 2**70
    assert client.post(f"{QUEUE}progress/{huge}/", {"decision": "validate"}).status_code == 404
    assert client.post(f"{QUEUE}contributions/{huge}/", {"decision": "accept"}).status_code == 404
    assert client.get(f"/en/consultations/{huge}/").status_code == 404


def test_csrf_is_enforced(csrf_client, dave, pending):
    sign_in(csrf_client, dave)
    response = csrf_client.post(
        f"{QUEUE}progress/{pending.pk}/", {"decision": "validate", "reason": "ok"}
    )
    assert response.status_code == 403
    assert ProgressReport.objects.get(pk=pending.pk).validation == "pending"


def test_an_organisation_administrator_reports_in_the_browser(client, oscar, commitments):
    sign_in(client, oscar)
    page = client.get(QUEUE).content.decode()
    assert "bohol-a" in page and "bohol-b" in page
    data = {"commitment": "bohol-a", "period": "2026-H1", "status": "ongoing", "text": "Done."}
    assert client.post(f"{QUEUE}progress/new/", data).status_code == 302
    report = ProgressReport.objects.get()
    assert report.organisation == oscar.organisation and report.validation == "pending"
    response = client.post(f"{QUEUE}progress/new/", {**data, "period": "soon"}, follow=True)
    assert "2026-H1" in response.content.decode() and ProgressReport.objects.count() == 1


def test_reporting_needs_the_capability_and_the_lead(client, alice, shelter_admin, commitments):
    data = {"commitment": "bohol-a", "period": "2026-H1", "status": "ongoing", "text": "Done."}
    assert sign_in(client, alice).post(f"{QUEUE}progress/new/", data).status_code == 403
    assert sign_in(client, shelter_admin).post(f"{QUEUE}progress/new/", data).status_code == 403
    page = client.get(QUEUE).content.decode()
    assert 'value="bohol-a"' not in page and 'value="apa-a"' in page
    assert not ProgressReport.objects.exists()
