"""Cross-border referrals between two deployments in one test process (Viet Nam and Thailand).

Viet Nam's `alice` refers a case to Thailand's shelter (`carol`'s organisation, listed in
Thailand's signed document as accepting cross-border referrals); the outbox carries it, the
inbox handlers create, answer and purge. Both sides share the test database; each side is its
settings (`site`), and each message goes through seal, HTTP inbox and open.
"""

import json
import logging

import pytest
from django.test import Client

from haven.accounts.services import create_api_token
from haven.audit.models import Event
from haven.cases import referrals, services
from haven.cases.models import Referral, ReferralState
from haven.cases.tests.helpers import ALL_CONSENT, VICTIM, make_case
from haven.conftest import sign_in
from haven.federation.envelope import seal
from haven.federation.models import InboxMessage, OutboxMessage, PeerReferral
from haven.federation.outbox import deliver_round
from haven.federation.tests.conftest import LA, TH, VN, pin, post, site, transport_to
from haven.notifications.models import Notification

pytestmark = pytest.mark.django_db
API = "/api/v1"
DETAILS = "Her employer keeps her passport; she asks to go home to Nghe An."
ABROAD = {**ALL_CONSENT, "cross_border": True}
SECRETS = [VICTIM["first_name"], VICTIM["mobile_phone"], VICTIM["identity_number"], DETAILS]


def token(user):
    return {
        "Authorization": f"Bearer {create_api_token(user, actor=user, name='t')[1]}",
        "Accept-Language": "en",
    }


def api_post(user, url, body=None):
    return Client().post(
        API + url, json.dumps(body or {}), content_type="application/json", headers=token(user)
    )


def refer(alice, case, carol, **extra):
    body = {
        "peer": TH["HAVEN_FEDERATION_NAME"],
        "organisation": str(carol.organisation_id),
        "reason": "AdditionalServicesRequired",
        "sections": ["summary", "identity", "contact"],
        "details": DETAILS,
        **extra,
    }
    with site(VN):
        return api_post(alice, f"/cases/{case.pk}/referrals/cross-border", body)


def send_and_deliver(alice, carol, case) -> tuple[Referral, Referral]:
    response = refer(alice, case, carol)
    assert response.status_code == 201, response.content
    assert response.json()["to_peer"]["url"] == TH["HAVEN_PUBLIC_URL"]
    with site(VN):
        assert deliver_round(transport_to(TH)).delivered == 1
    sent = Referral.objects.get(pk=response.json()["id"])
    received = PeerReferral.objects.get(incoming=True).referral
    return sent, received


def test_send_receive_accept_and_the_sender_sees_it_accepted(alice, carol, linked):
    case = make_case(alice, consent=ABROAD)
    sent, received = send_and_deliver(alice, carol, case)
    assert sent.to_organisation is None and sent.state == ReferralState.PENDING
    link = sent.peer_link
    message = OutboxMessage.objects.get(kind="referral")
    assert json.loads(message.body)["referral"] == str(sent.pk)
    # The receiving side: a case at carol's shelter, the referral pending, the shared data kept.
    assert received.to_organisation == carol.organisation and received.from_organisation is None
    assert received.case.organisation == carol.organisation and received.case.country == "VN"
    shared = json.loads(received.peer_link.shared)
    assert shared["people"][0]["identity"]["first_name"] == VICTIM["first_name"]
    assert "summary" not in shared  # exploitation was not shared
    assert Notification.objects.filter(recipient=carol, kind="referral.received").exists()
    with site(TH):
        listed = Client().get(f"{API}/referrals?direction=incoming", headers=token(carol)).json()
        mine = next(item for item in listed if item["id"] == str(received.pk))
        assert mine["from_peer"]["url"] == VN["HAVEN_PUBLIC_URL"]
        early = Client().get(f"{API}/referrals/{received.pk}/shared", headers=token(carol))
        assert early.status_code == 422  # not before accepting
        assert api_post(carol, f"/referrals/{received.pk}/accept", {"note": ""}).status_code == 200
        later = Client().get(f"{API}/referrals/{received.pk}/shared", headers=token(carol))
        assert later.status_code == 200 and later.json()["people"][0]["contact"]["mobile_phone"]
        assert deliver_round(transport_to(VN)).delivered == 1
    sent.refresh_from_db()
    assert sent.state == ReferralState.ACCEPTED and sent.responded_at is not None
    assert Notification.objects.filter(recipient=alice, kind="referral.accepted").exists()
    assert link.thread == sent.pk
    answer = InboxMessage.objects.get(kind="referral_answer")
    assert Event.objects.filter(
        action="referral.accepted_by_peer", summary__message_id=str(answer.message_id)
    ).exists()


def test_decline_with_a_reason_reaches_the_sender(alice, carol, linked):
    case = make_case(alice, consent=ABROAD)
    sent, received = send_and_deliver(alice, carol, case)
    with site(TH):
        empty = api_post(carol, f"/referrals/{received.pk}/decline", {"note": ""})
        assert empty.status_code == 422 and "Say why" in empty.json()["errors"][0]["message"]
        note = {"note": "No place for a minor this month."}
        assert api_post(carol, f"/referrals/{received.pk}/decline", note).status_code == 200
        deliver_round(transport_to(VN))
    sent.refresh_from_db()
    assert sent.state == ReferralState.DECLINED
    assert sent.response_note == "No place for a minor this month."


def test_revoke_purges_the_receivers_copy(alice, carol, linked):
    case = make_case(alice, consent=ABROAD)
    sent, received = send_and_deliver(alice, carol, case)
    with site(TH):
        api_post(carol, f"/referrals/{received.pk}/accept")
        deliver_round(transport_to(VN))
    with site(VN):
        assert api_post(alice, f"/referrals/{sent.pk}/revoke").status_code == 200
        assert deliver_round(transport_to(TH)).delivered == 1
    received.refresh_from_db()
    assert received.state == ReferralState.REVOKED and received.details == ""
    assert PeerReferral.objects.get(referral=received).shared == ""
    assert Notification.objects.filter(recipient=carol, kind="referral.revoked").exists()
    with site(TH):
        gone = Client().get(f"{API}/referrals/{received.pk}/shared", headers=token(carol))
        assert gone.status_code == 422
        # A revoked referral is not answered back: nothing more goes to Viet Nam.
        assert deliver_round(transport_to(VN)).delivered == 0


def test_without_cross_border_consent_refused_naming_the_item(alice, carol, linked):
    case = make_case(alice, consent=ALL_CONSENT)  # everything but sharing abroad
    response = refer(alice, case, carol)
    assert response.status_code == 422
    assert "cross_border" in response.json()["errors"][0]["message"]
    assert not OutboxMessage.objects.exists() and not PeerReferral.objects.exists()


def test_unknown_suspended_peer_and_organisation_not_accepting_refused(alice, carol, linked):
    th, _vn = linked
    case = make_case(alice, consent=ABROAD)
    unknown = refer(alice, case, carol, peer="Haven Atlantis")
    assert unknown.status_code == 422 and "no partner" in unknown.content.decode()
    elsewhere = refer(alice, case, carol, organisation=str(alice.organisation_id))
    assert elsewhere.status_code == 422 and "does not take" in elsewhere.content.decode()
    th.state = "suspended"
    th.save()
    suspended = refer(alice, case, carol)
    assert suspended.status_code == 422 and "suspended" in suspended.content.decode()
    assert not OutboxMessage.objects.exists()


def test_outsider_404_wrong_role_403(alice, bob, carol, mallory, linked):
    case = make_case(alice, consent=ABROAD)
    body = {"peer": "Haven Thailand", "organisation": str(carol.organisation_id), "reason": "x"}
    with site(VN):
        assert (
            api_post(mallory, f"/cases/{case.pk}/referrals/cross-border", body).status_code == 404
        )
        assert api_post(bob, f"/cases/{case.pk}/referrals/cross-border", body).status_code == 403
    assert not OutboxMessage.objects.exists()


def test_tampered_and_misdirected_messages_refused(alice, carol, linked):
    th, _vn = linked
    body = {"referral": "6f1c0f8e-0000-4000-8000-000000000000", "organisation": "x"}
    with site(VN):
        token = seal(th, "referral", body)
    head, key, iv, ciphertext, tag = token.split(".")
    flipped = ciphertext[:-2] + ("A" if ciphertext[-2] != "A" else "B") + ciphertext[-1]
    tampered = post(TH, ".".join([head, key, iv, flipped, tag]))
    assert tampered.status_code == 401 and tampered.json()["reason"] == "bad_signature"
    # Well sealed, but for an organisation that does not take cross-border referrals.
    with site(VN):
        token = seal(th, "referral", dict(body, organisation=str(alice.organisation_id)))
    refused = post(TH, token)
    assert refused.status_code == 422 and refused.json()["reason"] == "unknown_organisation"
    # An answer from Laos for a referral Viet Nam never sent to Laos.
    la_vn = pin(LA, VN)
    pin(VN, LA)
    with site(LA):
        answer = seal(la_vn, "referral_answer", {"referral": body["referral"], "state": "accepted"})
    stray = post(VN, answer)
    assert stray.status_code == 422 and stray.json()["reason"] == "unknown_referral"
    assert not Referral.objects.exists()


def test_nothing_personal_in_logs_or_audit(alice, carol, linked, caplog):
    case = make_case(alice, consent=ABROAD)
    with caplog.at_level(logging.DEBUG):
        _sent, received = send_and_deliver(alice, carol, case)
        with site(TH):
            api_post(carol, f"/referrals/{received.pk}/decline", {"note": "No place."})
            deliver_round(transport_to(VN))
    summaries = json.dumps([event.summary for event in Event.objects.all()])
    for secret in SECRETS:
        assert secret not in caplog.text and secret not in summaries


def test_withdrawing_cross_border_consent_revokes_and_purges(alice, carol, linked):
    case = make_case(alice, consent=ABROAD)
    sent, received = send_and_deliver(alice, carol, case)
    person = case.participants.get().person
    with site(VN):
        referrals.withdraw_consent(case, person, actor=alice, item="cross_border")
        assert deliver_round(transport_to(TH)).delivered == 1
    sent.refresh_from_db()
    received.refresh_from_db()
    assert sent.state == ReferralState.REVOKED and received.state == ReferralState.REVOKED
    assert PeerReferral.objects.get(referral=received).shared == ""


def test_the_receivers_own_consent_leaves_the_incoming_referral_alone(alice, carol, linked):
    _sent, received = send_and_deliver(alice, carol, make_case(alice, consent=ABROAD))
    with site(TH):
        participant = services.add_participant(
            received.case, actor=carol, role="victim", person={"first_name": "Lan"}
        )
        referrals.record_consent(
            received.case, participant.person, actor=carol, answers={"interview": False}
        )
    received.refresh_from_db()
    assert received.state == ReferralState.PENDING


class TestReferAbroadPage:
    def url(self, case):
        return f"/en/staff/cases/abroad/{case.pk}/refer/"

    def form(self, carol, **extra):
        return {
            "destination": f"Haven Thailand|{carol.organisation_id}",
            "reason": "AdditionalServicesRequired",
            "sections": ["summary"],
            "details": "",
            **extra,
        }

    def test_lists_the_peers_organisations_and_sends(self, alice, carol, linked, client):
        case = make_case(alice, consent=ABROAD)
        sign_in(client, alice)
        with site(VN):
            page = client.get(self.url(case)).content.decode()
            assert f"TH · Haven Thailand: {carol.organisation.name}" in page
            response = client.post(self.url(case), self.form(carol))
        assert response.status_code == 302 and response["Location"].endswith(f"{case.pk}/")
        assert PeerReferral.objects.get(incoming=False).referral.case == case
        assert OutboxMessage.objects.filter(kind="referral").count() == 1

    def test_without_consent_the_form_says_what_is_missing(self, alice, carol, linked, client):
        case = make_case(alice, consent=ALL_CONSENT)
        sign_in(client, alice)
        with site(VN):
            page = client.post(self.url(case), self.form(carol)).content.decode()
        assert "cross_border" in page and not OutboxMessage.objects.exists()

    def test_outsider_404_wrong_role_403_csrf(self, alice, bob, carol, mallory, linked, client):
        case = make_case(alice, consent=ABROAD)
        with site(VN):
            assert sign_in(Client(), mallory).get(self.url(case)).status_code == 404
            assert sign_in(Client(), bob).get(self.url(case)).status_code == 403
            strict = sign_in(Client(enforce_csrf_checks=True), alice)
            assert strict.post(self.url(case), self.form(carol)).status_code == 403
        assert not OutboxMessage.objects.exists()


def test_the_referral_pages_name_the_other_country(alice, carol, linked):
    case = make_case(alice, consent=ABROAD)
    _sent, received = send_and_deliver(alice, carol, case)
    with site(VN):
        sender = sign_in(Client(), alice)
        out = sender.get("/en/staff/cases/referrals/?direction=outgoing").content.decode()
        assert f"{carol.organisation.name} (TH)" in out
        detail = sender.get(f"/en/staff/cases/{case.pk}/").content.decode()
        assert f"→ {carol.organisation.name} (TH)" in detail
    with site(TH):
        receiver = sign_in(Client(), carol)
        incoming = receiver.get("/en/staff/cases/referrals/?direction=incoming").content.decode()
        assert "Haven Viet Nam (VN)" in incoming
        request = receiver.get(f"/en/staff/cases/{received.case_id}/")
        assert request.status_code == 200


def test_the_receiver_answers_an_incoming_referral_and_cannot_revoke_it(alice, carol, linked):
    """The receiving side owns the case it opened for the referral: its page must still offer
    Accept and Decline (then Complete), never Revoke or a local transfer of that referral."""
    case = make_case(alice, consent=ABROAD)
    _sent, received = send_and_deliver(alice, carol, case)
    with site(TH):
        receiver = sign_in(Client(), carol)
        page = receiver.get(f"/en/staff/cases/{received.case_id}/").content.decode()
        assert f"/referrals/{received.pk}/accept/" in page or "Accept" in page
        assert ">Revoke<" not in page and "Haven Viet Nam (VN) →" in page
        assert api_post(carol, f"/referrals/{received.pk}/accept").status_code == 200
        page = receiver.get(f"/en/staff/cases/{received.case_id}/").content.decode()
        assert "Mark as completed" in page and ">Revoke<" not in page
