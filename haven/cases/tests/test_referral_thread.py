"""The referral thread: messages both organisations read, on the case page and in the API."""

import json

import pytest
from django.test import Client

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.accounts.services import create_api_token
from haven.audit.models import Event
from haven.cases import referrals
from haven.cases.models import ReferralMessage
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
    return make_case(alice, consent=ALL_CONSENT)


@pytest.fixture
def referral(case, alice, carol):
    return referrals.refer(
        case,
        actor=alice,
        to_organisation=carol.organisation,
        reason="AdditionalServicesRequired",
        sections=["summary"],
    )


def url(referral):
    return f"{BASE}referrals/{referral.pk}/messages/"


def test_both_organisations_write_and_read(case, referral, alice, carol):
    referrals.accept(referral, actor=carol)
    shelter = sign_in(Client(), carol)
    assert shelter.post(url(referral), {"body": "She arrived at 9."}).status_code == 302
    hotline = sign_in(Client(), alice)
    assert hotline.post(url(referral), {"body": "Thank you."}).status_code == 302
    for client in (shelter, hotline):
        html = client.get(f"{BASE}{case.pk}/").content.decode()
        assert "She arrived at 9." in html and "Thank you." in html
    rows = ReferralMessage.objects.filter(referral=referral)
    assert [row.organisation_id for row in rows] == [carol.organisation_id, alice.organisation_id]
    assert Event.objects.filter(action="referral.message_sent").count() == 2


def test_an_empty_message_is_refused(referral, alice):
    client = sign_in(Client(), alice)
    assert client.post(url(referral), {"body": "  "}).status_code == 302
    assert not ReferralMessage.objects.exists()
    response = post_json(Client(), f"{API}/referrals/{referral.pk}/messages", alice, {"body": ""})
    assert response.status_code == 422


def test_the_receiver_reads_the_thread_only_after_accepting(client, referral, alice, carol):
    referrals.post_message(referral, actor=alice, body="Can you take her?")
    api = f"{API}/referrals/{referral.pk}/messages"
    assert client.get(api, headers=token(carol)).status_code == 404
    assert sign_in(Client(), carol).post(url(referral), {"body": "x"}).status_code == 404
    referrals.accept(referral, actor=carol)
    assert [m["body"] for m in client.get(api, headers=token(carol)).json()] == [
        "Can you take her?"
    ]
    response = post_json(client, api, carol, {"body": "Yes, tonight."})
    assert response.status_code == 201 and response.json()["organisation"] == "Shelter HN"
    assert Event.objects.filter(action="referral.thread_viewed").exists()


def test_revoked_then_the_receiver_sees_nothing(client, referral, alice, carol):
    referrals.accept(referral, actor=carol)
    referrals.revoke(referral, actor=alice)
    assert (
        client.get(f"{API}/referrals/{referral.pk}/messages", headers=token(carol)).status_code
        == 404
    )
    assert sign_in(Client(), carol).post(url(referral), {"body": "x"}).status_code == 404


def test_outsiders_404_wrong_role_403_and_csrf(client, referral, alice, carol, mallory):
    referrals.accept(referral, actor=carol)
    assert sign_in(Client(), mallory).post(url(referral), {"body": "x"}).status_code == 404
    api = f"{API}/referrals/{referral.pk}/messages"
    assert post_json(client, api, mallory, {"body": "x"}).status_code == 404
    analyst = User.objects.create(
        username="shelter-analyst", organisation=carol.organisation, role=Role.ANALYST
    )
    assert sign_in(Client(), analyst).post(url(referral), {"body": "x"}).status_code == 403
    assert post_json(client, api, analyst, {"body": "x"}).status_code == 403
    strict = sign_in(Client(enforce_csrf_checks=True), alice)
    assert strict.post(url(referral), {"body": "x"}).status_code == 403
    assert not ReferralMessage.objects.exists()


def test_a_message_tells_the_other_organisation_never_its_words(client, referral, alice, carol):
    from haven.notifications.models import Notification

    referrals.accept(referral, actor=carol)
    Notification.objects.all().delete()
    assert sign_in(Client(), carol).post(url(referral), {"body": "Bed 4."}).status_code == 302
    told = Notification.objects.get(kind="referral.message")
    assert told.recipient == alice and told.link == f"/staff/cases/{referral.case_id}/"
    assert (told.object_type, told.object_id) == ("referral", str(referral.pk))
    assert "Bed 4." not in f"{told.link}{told.object_id}"
    referrals.post_message(referral, actor=alice, body="Thank you.")
    told = Notification.objects.filter(kind="referral.message").exclude(recipient=alice)
    assert [row.recipient for row in told] == [carol]  # the shelter's case.write staff
    assert Notification.objects.filter(kind="referral.message").count() == 2  # none to oneself
    strict = sign_in(Client(enforce_csrf_checks=True), carol)
    assert strict.post(url(referral), {"body": "x"}).status_code == 403
    assert Notification.objects.filter(kind="referral.message").count() == 2


def test_the_notification_opens_the_case_for_the_receiver(referral, alice, carol, mallory):
    from haven.notifications.models import Notification

    referrals.accept(referral, actor=carol)
    referrals.post_message(referral, actor=alice, body="She is on the way.")
    told = Notification.objects.get(kind="referral.message", recipient=carol)
    assert sign_in(Client(), carol).get(f"/en{told.link}").status_code == 200
    assert sign_in(Client(), mallory).get(f"/en{told.link}").status_code == 404
