"""Hand-over of a case to another deployment for good, between two deployments in one process.

Viet Nam's `alice` refers a case to Thailand's shelter (`carol`), which accepts; then, the person
moving to Thailand for good, alice hands the case over: Thailand's case becomes a full case it
owns (its own reference), Viet Nam's stays read-only with the record of what was sent, when and
by which message, and shows Thailand's confirmation.
"""

import json

import pytest
from django.test import Client

from haven.audit.models import Event
from haven.cases.models import Consent, Referral, ReferralState
from haven.cases.tests.helpers import VICTIM, make_case
from haven.conftest import sign_in
from haven.federation.envelope import seal
from haven.federation.models import InboxMessage, OutboxMessage, PeerReferral
from haven.federation.outbox import deliver_round, send
from haven.federation.tests.conftest import TH, VN, post, site, transport_to
from haven.federation.tests.test_cross_border import ABROAD, API, api_post, send_and_deliver, token

pytestmark = pytest.mark.django_db


def accepted(alice, carol, consent=ABROAD):
    case = make_case(alice, consent=consent)
    sent, received = send_and_deliver(alice, carol, case)
    with site(TH):
        assert api_post(carol, f"/referrals/{received.pk}/accept").status_code == 200
        assert deliver_round(transport_to(VN)).delivered == 1
    sent.refresh_from_db()
    return sent, received


def hand_over(alice, sent, confirm=True):
    with site(VN):
        return api_post(alice, f"/referrals/{sent.pk}/hand-over", {"confirm": confirm})


def test_the_case_moves_the_receiver_confirms_the_sender_keeps_a_record(alice, carol, linked):
    sent, received = accepted(alice, carol)
    case = sent.case
    with site(VN):
        preview = Client().get(f"{API}/referrals/{sent.pk}/hand-over", headers=token(alice)).json()
    assert preview["peer"]["name"] == TH["HAVEN_FEDERATION_NAME"]
    assert preview["organisation"]["name"] == carol.organisation.name
    assert preview["refusals"] == [] and "identity" in preview["sections"]
    unconfirmed = hand_over(alice, sent, confirm=False)
    assert unconfirmed.status_code == 422 and unconfirmed.json()["errors"][0]["field"] == "confirm"
    assert not OutboxMessage.objects.filter(kind="case_handover").exists()

    done = hand_over(alice, sent)
    assert done.status_code == 200, done.content
    message = OutboxMessage.objects.get(kind="case_handover")
    link = PeerReferral.objects.get(referral=sent)
    assert link.handover_message == message.id and link.handed_over is not None
    assert done.json()["to_peer"]["handover"]["message_id"] == str(message.id)
    case.refresh_from_db()
    assert case.handed_abroad and case.status == "ClosedReferred"
    assert Event.objects.filter(
        action="case.handed_over_abroad", summary__message_id=str(message.id)
    ).exists()
    body = json.loads(message.body)
    assert body["case"]["people"][0]["consent"]["cross_border"] is True
    assert "tasks" not in body["case"] and "referrals" not in body["case"]

    with site(VN):
        assert deliver_round(transport_to(TH)).delivered == 1
    received.refresh_from_db()
    theirs = received.case
    assert theirs.organisation == carol.organisation and theirs.reference != case.reference
    person = theirs.participants.get().person
    assert person.first_name == VICTIM["first_name"] and person.organisation == carol.organisation
    assert person.mobile_phone == VICTIM["mobile_phone"]
    assert Consent.objects.filter(case=theirs, item="cross_border", given=True).exists()
    assert received.state == ReferralState.COMPLETED
    assert Event.objects.filter(
        action="case.received_from_peer", summary__message_id=str(message.id)
    ).exists()
    # Thailand confirms; it sends no `referral_answer` for the completion the hand-over made.
    assert list(OutboxMessage.objects.filter(state="pending").values_list("kind", flat=True)) == [
        "case_handover_confirm"
    ]
    with site(TH):
        assert deliver_round(transport_to(VN)).delivered == 1
        mine = sign_in(Client(), carol).get(f"/en/staff/cases/{theirs.pk}/")
        assert mine.status_code == 200 and "Edit" in mine.content.decode()
    link.refresh_from_db()
    assert link.handover_confirmed is not None and link.remote_reference == theirs.reference
    confirm = InboxMessage.objects.get(kind="case_handover_confirm")
    assert Event.objects.filter(
        action="case.handover_confirmed_by_peer", summary__message_id=str(confirm.message_id)
    ).exists()
    with site(VN):
        page = sign_in(Client(), alice).get(f"/en/staff/cases/{case.pk}/").content.decode()
    assert "Handed over to another country" in page and theirs.reference in page
    assert str(message.id) in page


def test_the_senders_case_is_read_only_and_the_hand_over_cannot_be_revoked(alice, carol, linked):
    sent, _received = accepted(alice, carol)
    assert hand_over(alice, sent).status_code == 200
    with site(VN):
        edit = Client().patch(
            f"{API}/cases/{sent.case_id}",
            json.dumps({"risk": "high"}),
            content_type="application/json",
            headers=token(alice),
        )
        assert edit.status_code == 403
        message = api_post(alice, f"/referrals/{sent.pk}/messages", {"body": "Still there?"})
        assert message.status_code == 403
        revoke = api_post(alice, f"/referrals/{sent.pk}/revoke")
        assert revoke.status_code == 422 and "cannot be revoked" in revoke.content.decode()
        again = hand_over(alice, sent)
        assert again.status_code == 422 and "already handed over" in again.content.decode()
        reader = sign_in(Client(), alice)
        assert reader.get(f"/en/staff/cases/{sent.case_id}/edit/").status_code == 403
    assert OutboxMessage.objects.filter(kind="case_handover").count() == 1


def test_refusals_name_the_missing_consent_items(alice, carol, linked):
    # Consent for the summary only: the referral goes, the whole case may not.
    consent = {**ABROAD, "retention": False}
    case = make_case(alice, consent=consent)
    with site(VN):
        response = api_post(
            alice,
            f"/cases/{case.pk}/referrals/cross-border",
            {
                "peer": TH["HAVEN_FEDERATION_NAME"],
                "organisation": str(carol.organisation_id),
                "reason": "AdditionalServicesRequired",
                "sections": ["summary"],
            },
        )
        assert response.status_code == 201, response.content
        sent = Referral.objects.get(pk=response.json()["id"])
        pending = hand_over(alice, sent)
        assert "must accept" in pending.json()["errors"][0]["message"]
        deliver_round(transport_to(TH))
    received = PeerReferral.objects.get(incoming=True).referral
    with site(TH):
        api_post(carol, f"/referrals/{received.pk}/accept")
        deliver_round(transport_to(VN))
    refused = hand_over(alice, sent)
    assert refused.status_code == 422
    assert "Told how long the data is kept" in refused.json()["errors"][0]["message"]
    assert not OutboxMessage.objects.filter(kind="case_handover").exists()
    sent.case.refresh_from_db()
    assert sent.case.handed_abroad is None


def test_outsider_404_wrong_role_403_receiver_404(alice, bob, carol, mallory, linked):
    sent, received = accepted(alice, carol)
    with site(VN):
        assert hand_over(mallory, sent).status_code == 404
        assert (
            Client().get(f"{API}/referrals/{sent.pk}/hand-over", headers=token(mallory)).status_code
            == 404
        )
        assert hand_over(bob, sent).status_code == 403
    with site(TH):  # the receiver's own referral is not a hand-over it can make
        assert (
            api_post(carol, f"/referrals/{received.pk}/hand-over", {"confirm": True}).status_code
            == 404
        )
    assert not OutboxMessage.objects.filter(kind="case_handover").exists()


class TestHandoverPage:
    def url(self, referral):
        return f"/en/staff/cases/abroad/referrals/{referral.pk}/hand-over/"

    def test_confirmation_names_where_and_what_then_hands_over(self, alice, carol, linked):
        sent, _received = accepted(alice, carol)
        client = sign_in(Client(), alice)
        with site(VN):
            page = client.get(self.url(sent)).content.decode()
            assert TH["HAVEN_FEDERATION_NAME"] in page and carol.organisation.name in page
            assert "What moves" in page and "internal notes" in page
            unticked = client.post(self.url(sent), {})
            assert unticked.status_code == 200 and "Tick the box" in unticked.content.decode()
            assert not OutboxMessage.objects.filter(kind="case_handover").exists()
            done = client.post(self.url(sent), {"confirm": "on"})
        assert done.status_code == 302 and done["Location"].endswith(f"{sent.case_id}/")
        assert OutboxMessage.objects.filter(kind="case_handover").count() == 1

    def test_the_case_page_offers_it_for_an_accepted_referral_abroad(self, alice, carol, linked):
        sent, _received = accepted(alice, carol)
        with site(VN):
            page = sign_in(Client(), alice).get(f"/en/staff/cases/{sent.case_id}/")
        assert self.url(sent).removeprefix("/en") in page.content.decode()

    def test_refusals_shown_before_anything_is_sent(self, alice, carol, linked):
        case = make_case(alice, consent=ABROAD)
        sent, _received = send_and_deliver(alice, carol, case)  # not accepted yet
        with site(VN):
            page = sign_in(Client(), alice).get(self.url(sent)).content.decode()
        assert "must accept" in page and 'name="confirm"' not in page

    def test_outsider_404_wrong_role_403_csrf(self, alice, bob, carol, mallory, linked):
        sent, _received = accepted(alice, carol)
        with site(VN):
            assert sign_in(Client(), mallory).get(self.url(sent)).status_code == 404
            assert sign_in(Client(), bob).get(self.url(sent)).status_code == 403
            strict = sign_in(Client(enforce_csrf_checks=True), alice)
            assert strict.post(self.url(sent), {"confirm": "on"}).status_code == 403
        assert not OutboxMessage.objects.filter(kind="case_handover").exists()


def test_delivered_twice_applied_once_and_confirmed_once(alice, carol, linked):
    th, _vn = linked
    sent, received = accepted(alice, carol)
    hand_over(alice, sent)
    with site(VN):
        first = OutboxMessage.objects.get(kind="case_handover")
        send(th, "case_handover", json.loads(first.body))  # again, in a new envelope
        assert deliver_round(transport_to(TH)).delivered == 2
    received.refresh_from_db()
    assert received.case.participants.count() == 1
    assert OutboxMessage.objects.filter(kind="case_handover_confirm").count() == 1
    assert Event.objects.filter(action="case.handover_again").count() == 1


def test_unhappy_hand_over_messages_refused(alice, carol, linked):
    th, vn = linked
    sent, received = accepted(alice, carol)
    with site(TH):  # a confirmation for a case never handed over
        stray = seal(vn, "case_handover_confirm", {"referral": str(sent.pk), "reference": "C-X"})
    assert post(VN, stray).json()["reason"] == "unknown_handover"
    with site(VN):
        unknown = seal(th, "case_handover", {"referral": "6f1c0f8e-0000-4000-8000-000000000000"})
        api_post(alice, f"/referrals/{sent.pk}/revoke")
        deliver_round(transport_to(TH))
        late = seal(th, "case_handover", {"referral": str(sent.pk), "case": {"people": []}})
    assert post(TH, unknown).json()["reason"] == "unknown_referral"
    refused = post(TH, late)
    assert refused.status_code == 422 and refused.json()["reason"] == "referral_revoked"
    received.refresh_from_db()
    assert not PeerReferral.objects.get(referral=received).handed_over
    assert not InboxMessage.objects.filter(kind="case_handover").exists()
