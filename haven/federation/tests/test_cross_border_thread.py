"""A cross-border referral's thread and service outcomes, carried between two deployments.

Viet Nam's `alice` refers a case to Thailand's shelter (`carol`); messages written on either
side appear in the other side's thread with the author's organisation only; the shelter's
services come back to Viet Nam's case as codes and show in the reader's language.
"""

import json
import uuid

import pytest
from django.test import Client
from django.utils import translation

from haven.audit.models import Event
from haven.cases import referrals, services
from haven.cases.models import ReferralMessage, ReferralState, ServiceOutcome, SupportService
from haven.cases.tests.helpers import make_case
from haven.conftest import sign_in
from haven.federation.envelope import seal
from haven.federation.models import InboxMessage, OutboxMessage
from haven.federation.outbox import deliver_round, send
from haven.federation.tests.conftest import TH, VN, post, site, transport_to
from haven.federation.tests.test_cross_border import (
    ABROAD,
    API,
    api_post,
    send_and_deliver,
    token,
)
from haven.federation.thread import copy_id
from haven.notifications.models import Notification

pytestmark = pytest.mark.django_db
HELLO = "We found her a place; she can call her mother on Friday."


def accepted(alice, carol):
    """A referral sent from Viet Nam and accepted in Thailand, the answer delivered."""
    case = make_case(alice, consent=ABROAD)
    sent, received = send_and_deliver(alice, carol, case)
    with site(TH):
        assert api_post(carol, f"/referrals/{received.pk}/accept").status_code == 200
        assert deliver_round(transport_to(VN)).delivered == 1
    return sent, received


def test_a_message_each_way_appears_in_the_other_thread(alice, carol, linked):
    sent, received = accepted(alice, carol)
    with site(VN):
        written = api_post(alice, f"/referrals/{sent.pk}/messages", {"body": HELLO})
        assert written.status_code == 201
        outgoing = OutboxMessage.objects.get(kind="referral_message")
        body = json.loads(outgoing.body)
        # The author's organisation, never the author's account.
        assert set(body) == {"referral", "message", "organisation", "body", "written_at"}
        assert body["organisation"] == alice.organisation.name
        assert alice.username not in outgoing.body
        assert deliver_round(transport_to(TH)).delivered == 1
    arrived = ReferralMessage.objects.get(referral=received)
    _th_at_vn, vn_at_th = linked
    assert arrived.pk == copy_id(vn_at_th, uuid.UUID(written.json()["id"]))
    assert arrived.author is None and arrived.organisation is None
    assert arrived.written_elsewhere == f"{alice.organisation.name} (VN)"
    assert Notification.objects.filter(recipient=carol, kind="referral.message").exists()
    with site(TH):
        thread = Client().get(f"{API}/referrals/{received.pk}/messages", headers=token(carol))
        assert thread.json() == [
            {
                "id": str(arrived.pk),
                "organisation": f"{alice.organisation.name} (VN)",
                "author": None,
                "body": HELLO,
                "created": thread.json()[0]["created"],
            }
        ]
        reply = api_post(carol, f"/referrals/{received.pk}/messages", {"body": "Thank you."})
        assert reply.status_code == 201
        assert deliver_round(transport_to(VN)).delivered == 1
    back = ReferralMessage.objects.get(referral=sent, organisation__isnull=True)
    assert back.body == "Thank you." and back.written_elsewhere == f"{carol.organisation.name} (TH)"
    assert Notification.objects.filter(recipient=alice, kind="referral.message").exists()
    with site(VN):
        page = sign_in(Client(), alice).get(f"/en/staff/cases/{sent.case_id}/").content.decode()
        assert f"{carol.organisation.name} (TH)" in page and "Thank you." in page
    # Audited on both sides with the message ids.
    inbox = InboxMessage.objects.get(kind="referral_message", peer__base_url=VN["HAVEN_PUBLIC_URL"])
    assert inbox.message_id == outgoing.id
    assert Event.objects.filter(
        action="referral.message_from_peer", summary__message_id=str(outgoing.id)
    ).exists()
    assert Event.objects.filter(
        action="federation.referral_message_sent", summary__message_id=str(outgoing.id)
    ).exists()


def test_the_same_message_delivered_twice_is_applied_once(alice, carol, linked):
    th, _vn = linked
    sent, received = accepted(alice, carol)
    with site(VN):
        api_post(alice, f"/referrals/{sent.pk}/messages", {"body": HELLO})
        first = OutboxMessage.objects.get(kind="referral_message")
        send(th, "referral_message", json.loads(first.body))  # again, in a new envelope
        assert deliver_round(transport_to(TH)).delivered == 2
        # The very same envelope again is a replay, and counts as delivered.
        token_again = seal(th, "referral_message", json.loads(first.body), first.id)
    assert post(TH, token_again).json()["reason"] == "replay"
    assert ReferralMessage.objects.filter(referral=received).count() == 1
    assert Event.objects.filter(action="referral.message_again").count() == 1


def test_a_message_for_a_revoked_referral_is_refused_and_not_stored(alice, carol, linked):
    th, _vn = linked
    sent, received = accepted(alice, carol)
    with site(VN):
        assert api_post(alice, f"/referrals/{sent.pk}/revoke").status_code == 200
        deliver_round(transport_to(TH))
        # Viet Nam's own thread refuses to send after a revoke, and nothing is queued.
        refused = api_post(alice, f"/referrals/{sent.pk}/messages", {"body": HELLO})
        assert refused.status_code == 422 and "revoked" in refused.content.decode()
        page = sign_in(Client(), alice).post(
            f"/en/staff/cases/referrals/{sent.pk}/messages/", {"body": HELLO}, follow=True
        )
        assert page.status_code == 200 and "was revoked" in page.content.decode()
        assert not OutboxMessage.objects.filter(kind="referral_message").exists()
        body = {"referral": str(sent.pk), "message": str(sent.pk), "body": HELLO}
        late = seal(th, "referral_message", body)
    answer = post(TH, late)
    assert answer.status_code == 422 and answer.json()["reason"] == "referral_revoked"
    assert not ReferralMessage.objects.filter(referral=received).exists()
    assert not InboxMessage.objects.filter(kind="referral_message").exists()


def test_unknown_referral_and_bad_messages_refused(alice, carol, linked):
    th, _vn = linked
    sent, _received = accepted(alice, carol)
    with site(VN):
        stray = seal(
            th,
            "referral_message",
            {
                "referral": "6f1c0f8e-0000-4000-8000-000000000000",
                "message": str(sent.pk),
                "body": "x",
            },
        )
        empty = seal(
            th, "referral_message", {"referral": str(sent.pk), "message": str(sent.pk), "body": ""}
        )
    assert post(TH, stray).json()["reason"] == "unknown_referral"
    assert post(TH, empty).json()["reason"] == "malformed"
    assert not ReferralMessage.objects.exists()


def test_services_and_their_outcome_reach_the_senders_case(alice, carol, linked):
    sent, received = accepted(alice, carol)
    with site(TH):
        service = services.add_service(
            received.case,
            actor=carol,
            values={"type": "Health", "objectives": "See a doctor about the burns on her arm."},
        )
        services.update_service(
            service,
            actor=carol,
            values={"outcome": ServiceOutcome.COMPLETED, "actual_end": sent.sent_at.date()},
        )
        bodies = [json.loads(m.body) for m in OutboxMessage.objects.filter(kind="referral_service")]
        assert len(bodies) == 2 and "burns" not in json.dumps(bodies)  # codes, never free text
        assert deliver_round(transport_to(VN)).delivered == 2
    copy = SupportService.objects.get(case=sent.case)
    assert copy.pk == copy_id(linked[0], service.pk) and copy.type == "Health"
    assert copy.outcome == ServiceOutcome.COMPLETED and copy.actual_end == sent.sent_at.date()
    assert copy.provided_elsewhere == f"{carol.organisation.name} (TH)" and not copy.objectives
    assert Event.objects.filter(action="referral.service_from_peer").count() == 2
    with site(VN):
        reader = sign_in(Client(), alice)
        with translation.override("vi"):
            completed, health = str(ServiceOutcome.COMPLETED.label), "Health"
        page = reader.get(f"/vi/staff/cases/{sent.case_id}/").content.decode()
        assert completed in page and completed != "Completed"
        assert f"{carol.organisation.name} (TH)" in page and health
        # Read-only here: the outcome is the other deployment's to change.
        edit = reader.get(f"/en/staff/cases/{sent.case_id}/services/{copy.pk}/outcome/")
        assert edit.status_code == 404
        listed = Client().get(f"{API}/cases/{sent.case_id}", headers=token(alice)).json()
        assert listed["services"][0]["provider"] == f"{carol.organisation.name} (TH)"


def test_complete_flows_back_and_later_outcomes_still_do(alice, carol, linked):
    sent, received = accepted(alice, carol)
    with site(TH):
        done = api_post(carol, f"/referrals/{received.pk}/complete", {"note": "Returned home."})
        assert done.status_code == 200
        services.add_service(received.case, actor=carol, values={"type": "Financial"})
        assert deliver_round(transport_to(VN)).delivered == 2
    sent.refresh_from_db()
    assert sent.state == ReferralState.COMPLETED and sent.completed_at is not None
    assert Event.objects.filter(action="referral.completed_by_peer").exists()
    assert SupportService.objects.get(case=sent.case).type == "Financial"


def test_a_peer_cannot_reach_this_sides_own_services(alice, carol, linked):
    _th_at_vn, vn_at_th = linked
    sent, _received = accepted(alice, carol)
    own = services.add_service(sent.case, actor=alice, values={"type": "Health"})
    body = {"referral": str(sent.pk), "service": str(own.pk), "type": "Health"}
    with site(TH):
        aimed = seal(vn_at_th, "referral_service", dict(body, outcome="declined"))
        bad_code = seal(vn_at_th, "referral_service", dict(body, outcome="Great"))
    assert post(VN, bad_code).json()["reason"] == "malformed"
    assert post(VN, aimed).status_code == 202  # a copy of its own, under an id derived from it
    own.refresh_from_db()
    assert own.outcome == ServiceOutcome.PLANNED and not own.provided_elsewhere
    assert SupportService.objects.filter(case=sent.case).count() == 2


def test_revoke_stops_services_going_back(alice, carol, linked):
    sent, received = accepted(alice, carol)
    with site(VN):
        referrals.revoke(sent, actor=alice)
        deliver_round(transport_to(TH))
    with site(TH):
        services.add_service(received.case, actor=carol, values={"type": "Health"})
    assert not OutboxMessage.objects.filter(kind="referral_service").exists()
