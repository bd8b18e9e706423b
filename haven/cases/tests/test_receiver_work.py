"""A receiving organisation works its own part of a case after accepting: notes, tasks, services.

Before accepting, after declining, completing or a revoke: 404. Its notes stay its own unless
its staff share them; the sender sees the services delivered and their outcome.
"""

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.accounts.services import create_api_token
from haven.audit.models import Event
from haven.cases import referrals, services
from haven.cases.access import access_to_work, tasks_for
from haven.cases.models import Note, SupportService, Task
from haven.cases.tests.helpers import ALL_CONSENT, make_case
from haven.conftest import sign_in

pytestmark = pytest.mark.django_db
BASE = "/en/staff/cases/"
API = "/api/v1"


def token(user):
    return {
        "Authorization": f"Bearer {create_api_token(user, actor=user, name='t')[1]}",
        "Accept-Language": "en",
    }


def post_json(client, url, user, body):
    return client.post(url, json.dumps(body), content_type="application/json", headers=token(user))


@pytest.fixture
def case(alice):
    case = make_case(alice, consent=ALL_CONSENT)
    services.add_note(case, actor=alice, body="Her brother called the hotline.")
    services.add_task(case, actor=alice, title="Call the embassy", due=date(2030, 1, 1))
    return case


@pytest.fixture
def referral(case, alice, carol):
    return referrals.refer(
        case,
        actor=alice,
        to_organisation=carol.organisation,
        reason="AdditionalServicesRequired",
        sections=["summary", "support"],
    )


@pytest.fixture
def accepted(referral, carol):
    referrals.accept(referral, actor=carol)
    return referral


@pytest.fixture
def shelter_admin(carol):
    """A colleague of the receiver whose role has no case rights."""
    return User.objects.create(
        username="shelter-analyst", organisation=carol.organisation, role=Role.ANALYST
    )


class TestAccessToWork:
    def test_the_owner_works_its_case(self, case, alice):
        access = access_to_work(alice, case.pk)
        assert access.owner and access.organisation_id == alice.organisation_id

    def test_a_receiver_works_only_after_accepting(self, case, referral, carol):
        with pytest.raises(Http404):
            access_to_work(carol, case.pk)
        referrals.accept(referral, actor=carol)
        access = access_to_work(carol, case.pk)
        assert not access.owner and access.organisation_id == carol.organisation_id
        views = Event.objects.filter(action="case.viewed", object_id=str(case.pk))
        assert views.filter(actor_id=carol.pk, summary={"via": "referral"}).exists()

    @pytest.mark.parametrize("end", ["decline", "revoke", "complete"])
    def test_no_work_after_the_referral_ends(self, case, referral, alice, carol, end):
        if end == "decline":
            referrals.decline(referral, actor=carol, note="No place.")
        else:
            referrals.accept(referral, actor=carol)
            if end == "revoke":
                referrals.revoke(referral, actor=alice)
            else:
                referrals.complete(referral, actor=carol)
        with pytest.raises(Http404):
            access_to_work(carol, case.pk)

    def test_outsiders_404_and_a_wrong_role_403(self, case, accepted, mallory, shelter_admin):
        with pytest.raises(Http404):
            access_to_work(mallory, case.pk)
        with pytest.raises(PermissionDenied):
            access_to_work(shelter_admin, case.pk)


class TestOwnWork:
    def test_a_receivers_note_is_its_own_unless_shared(self, case, accepted, alice, carol):
        own = services.add_note(
            case, actor=carol, body="Settled in room 4.", organisation_id=carol.organisation_id
        )
        shared = services.add_note(
            case,
            actor=carol,
            body="She starts vocational training on Monday.",
            organisation_id=carol.organisation_id,
            shared_with_owner=True,
        )
        assert own.organisation_id == carol.organisation_id and not own.shared_with_owner
        alice_html = sign_in(Client(), alice).get(f"{BASE}{case.pk}/").content.decode()
        assert "Settled in room 4." not in alice_html
        assert "She starts vocational training on Monday." in alice_html
        assert "Her brother called the hotline." in alice_html
        carol_html = sign_in(Client(), carol).get(f"{BASE}{case.pk}/").content.decode()
        assert "Settled in room 4." in carol_html and "vocational training" in carol_html
        assert "Her brother called the hotline." not in carol_html  # the sender's: never
        assert shared.shared_with_owner
        audit = Event.objects.filter(action="case.note_added", actor_id=carol.pk)
        assert {e.summary["shared"] for e in audit} == {False, True}

    def test_the_owner_cannot_mark_its_note_shared(self, case, alice):
        note = services.add_note(case, actor=alice, body="x", shared_with_owner=True)
        assert note.organisation_id == alice.organisation_id and not note.shared_with_owner

    def test_tasks_are_each_organisations_own(self, case, accepted, alice, carol):
        task = services.add_task(
            case,
            actor=carol,
            title="Book a doctor",
            due=date(2020, 1, 1),
            assigned_to=carol,
            organisation_id=carol.organisation_id,
        )
        assert list(tasks_for(carol.organisation_id)) == [task]
        assert "Book a doctor" not in [t.title for t in tasks_for(alice.organisation_id)]
        with pytest.raises(services.CaseError, match="members of your organisation"):
            services.add_task(
                case,
                actor=carol,
                title="x",
                due=date(2030, 1, 1),
                assigned_to=alice,
                organisation_id=carol.organisation_id,
            )
        # The overdue lists: the shelter's task is overdue, the hotline's is not yet due.
        carol_page = sign_in(Client(), carol).get(f"{BASE}tasks/").content.decode()
        assert case.reference in carol_page
        alice_page = sign_in(Client(), alice).get(f"{BASE}tasks/").content.decode()
        assert case.reference not in alice_page

    def test_the_sender_sees_the_services_and_their_outcome(self, case, accepted, alice, carol):
        client = sign_in(Client(), carol)
        response = client.post(
            f"{BASE}{case.pk}/services/new/",
            {"type": "Health", "objectives": "A bed at the shelter", "outcome": "in_progress"},
        )
        assert response.status_code == 302
        service = SupportService.objects.get(case=case, type="Health")
        assert service.organisation_id == carol.organisation_id
        assert service.provider_id == carol.organisation_id  # provided by the receiver
        response = client.post(
            f"{BASE}{case.pk}/services/{service.pk}/",
            {"outcome": "completed", "actual_end": "2026-01-02"},
        )
        assert response.status_code == 302
        data = sign_in(Client(), alice).get(f"{BASE}{case.pk}/").content.decode()
        assert "A bed at the shelter" in data and "Completed" in data
        # The owner cannot change the receiver's service, nor the receiver the owner's task.
        owner = sign_in(Client(), alice)
        assert owner.post(f"{BASE}{case.pk}/services/{service.pk}/", {}).status_code == 404
        task = case.tasks.get(organisation=alice.organisation_id)
        assert client.post(f"{BASE}{case.pk}/tasks/{task.pk}/done/").status_code == 404

    def test_pages_404_before_accepting_and_403_for_a_wrong_role(
        self, case, referral, carol, mallory, shelter_admin
    ):
        urls = [f"{BASE}{case.pk}/{end}" for end in ("notes/", "tasks/new/", "services/new/")]
        for user in (carol, mallory):
            client = sign_in(Client(), user)
            for url in urls:
                assert client.post(url, {"body": "x"}).status_code == 404, url
        referrals.accept(referral, actor=carol)
        client = sign_in(Client(), shelter_admin)
        for url in urls:
            assert client.post(url, {"body": "x"}).status_code == 403, url
        assert not Note.objects.filter(organisation=carol.organisation_id).exists()

    def test_csrf_is_enforced(self, case, accepted, carol):
        client = sign_in(Client(enforce_csrf_checks=True), carol)
        assert client.post(f"{BASE}{case.pk}/notes/", {"body": "x"}).status_code == 403
        assert not Note.objects.filter(organisation=carol.organisation_id).exists()


class TestApi:
    def test_a_receiver_posts_a_note_after_accepting_404_before(
        self, client, case, referral, carol
    ):
        url = f"{API}/cases/{case.pk}/notes"
        assert post_json(client, url, carol, {"body": "Arrived safely."}).status_code == 404
        referrals.accept(referral, actor=carol)
        response = post_json(client, url, carol, {"body": "Arrived safely."})
        assert response.status_code == 201, response.content
        assert response.json()["organisation"] == carol.organisation.name
        assert response.json()["shared_with_owner"] is False
        notes = client.get(url, headers=token(carol)).json()
        assert [note["body"] for note in notes] == ["Arrived safely."]

    def test_the_owner_reads_only_the_shared_notes(self, client, case, accepted, alice, carol):
        url = f"{API}/cases/{case.pk}/notes"
        post_json(client, url, carol, {"body": "Private to the shelter."})
        post_json(client, url, carol, {"body": "Doing well.", "shared_with_owner": True})
        bodies = [note["body"] for note in client.get(url, headers=token(alice)).json()]
        assert "Doing well." in bodies and "Private to the shelter." not in bodies

    def test_services_and_errors(self, client, case, accepted, carol, mallory, shelter_admin):
        url = f"{API}/cases/{case.pk}/services"
        response = post_json(client, url, carol, {"type": "Health"})
        assert response.status_code == 201
        assert response.json()["provider"] == carol.organisation.name
        assert post_json(client, url, carol, {"type": "Nonsense"}).status_code == 422
        assert post_json(client, url, mallory, {"type": "Health"}).status_code == 404
        assert post_json(client, url, shelter_admin, {"type": "Health"}).status_code == 403
        notes = f"{API}/cases/{case.pk}/notes"
        assert post_json(client, notes, carol, {"body": "  "}).status_code == 422
        assert Task.objects.filter(organisation=carol.organisation_id).count() == 0


def test_after_a_transfer_the_new_owner_keeps_its_work_and_takes_the_tasks(case, alice, carol):
    referral = referrals.refer(
        case,
        actor=alice,
        to_organisation=carol.organisation,
        reason="AdditionalServicesRequired",
        sections=["summary", "identity", "contact"],
    )
    referrals.accept(referral, actor=carol)
    services.add_note(case, actor=carol, body="Room 4.", organisation_id=carol.organisation_id)
    referrals.transfer_ownership(referral, actor=alice)
    access = access_to_work(carol, case.pk)
    assert access.owner
    assert [task.organisation_id for task in tasks_for(carol.organisation_id)] == [
        carol.organisation_id
    ]
    assert not tasks_for(alice.organisation_id).exists()
    html = sign_in(Client(), carol).get(f"{BASE}{case.pk}/").content.decode()
    assert "Room 4." in html and "Her brother called the hotline." not in html
    with pytest.raises(Http404):
        access_to_work(alice, case.pk)
