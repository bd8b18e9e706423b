"""The inbox's refusal table, tampering, replays, and what is stored and logged."""

import base64
import json
import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from haven.audit.models import Event
from haven.federation.envelope import seal
from haven.federation.inbox import HANDLERS, handles
from haven.federation.models import InboxMessage, Peer, PeerState
from haven.federation.tests.conftest import LA, TH, VN, pin, post, site

pytestmark = pytest.mark.django_db


def sealed(sender: dict, peer, kind="ping", body=None, **options) -> str:
    with site(sender):
        return seal(peer, kind, body or {}, **options)


def refused(response, status: int, reason: str) -> None:
    assert response.status_code == status, response.content
    assert response.json() == {"status": "refused", "reason": reason}
    event = Event.objects.filter(action="federation.refused").order_by("-seq").first()
    assert event.summary == {"status": status, "reason": reason}


def test_a_message_from_a_peer_is_accepted_once_and_stored_encrypted(paired):
    th, _vn = paired
    token = sealed(VN, th, body={"note": "Nguyen Thi Lan"})
    response = post(TH, token)
    assert response.status_code == 202
    message = InboxMessage.objects.get()
    assert str(message.message_id) == response.json()["id"]
    assert json.loads(message.body)["body"] == {"note": "Nguyen Thi Lan"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM federation_inboxmessage")
        stored = cursor.fetchone()[0]
    assert stored.startswith("hv1:") and "Nguyen" not in stored
    event = Event.objects.get(action="federation.received")
    assert event.summary["message_id"] == str(message.message_id)
    refused(post(TH, token), 409, "replay")
    assert InboxMessage.objects.count() == 1


@pytest.mark.parametrize("body", ["", "not a message", "a.b.c.d.e", "x" * 10, "é"])
def test_malformed_bodies_are_refused(paired, body):
    response = post(TH, body)
    assert response.status_code == 400
    assert response.json()["reason"] == "malformed"


def test_a_header_with_other_algorithms_is_malformed(paired):
    th, _vn = paired
    token = sealed(VN, th)
    header = base64.urlsafe_b64encode(b'{"alg":"RSA-OAEP","enc":"A256GCM"}').rstrip(b"=")
    refused(post(TH, header.decode() + token[token.index(".") :]), 400, "malformed")


def test_only_post_reaches_the_inbox(paired):
    with site(TH):
        from django.test import Client

        assert Client().get("/federation/v1/inbox").status_code == 405


def test_a_message_encrypted_for_another_deployment_is_wrong_recipient(paired):
    th, _vn = paired
    token = sealed(VN, th)  # for Thailand, posted to Viet Nam
    refused(post(VN, token), 421, "wrong_recipient")


def test_a_message_addressed_to_another_address_is_wrong_recipient(paired):
    th, _vn = paired
    elsewhere = Peer(base_url="https://elsewhere.test", document=th.document)
    refused(post(TH, sealed(VN, elsewhere)), 421, "wrong_recipient")


def test_an_unknown_deployment_is_refused(paired):
    th_at_la = pin(LA, TH)  # Laos knows Thailand, Thailand does not know Laos
    refused(post(TH, sealed(LA, th_at_la)), 403, "unknown_peer")


def test_a_suspended_peer_is_refused(paired):
    th, vn = paired
    vn.state = PeerState.SUSPENDED
    vn.save()
    refused(post(TH, sealed(VN, th)), 403, "peer_suspended")


def test_a_signature_by_a_key_not_pinned_is_refused(paired):
    th, vn = paired
    # Thailand pinned other signing keys under Viet Nam's key ids: an impostor's, say.
    la_keys = {k["use"]: k for k in pin(VN, LA).document["keys"]}
    vn.document["keys"] = [dict(la_keys[k["use"]], kid=k["kid"]) for k in vn.document["keys"]]
    vn.save()
    refused(post(TH, sealed(VN, th)), 401, "bad_signature")


@pytest.mark.parametrize("segment", [1, 2, 3, 4])
def test_tampering_with_any_part_is_detected(paired, segment):
    th, _vn = paired
    parts = sealed(VN, th).split(".")
    part = parts[segment]
    parts[segment] = part[:5] + ("A" if part[5] != "A" else "B") + part[6:]
    response = post(TH, ".".join(parts))
    assert response.status_code in (400, 401)
    assert response.json()["reason"] in ("bad_signature", "malformed")
    assert not InboxMessage.objects.exists()


def test_an_old_message_is_expired(paired):
    th, _vn = paired
    token = sealed(VN, th, now=timezone.now() - timedelta(minutes=10))
    refused(post(TH, token), 400, "expired")


def test_a_message_from_the_future_is_expired(paired):
    th, _vn = paired
    token = sealed(VN, th, now=timezone.now() + timedelta(minutes=10))
    refused(post(TH, token), 400, "expired")


def test_an_unknown_kind_is_refused(paired):
    th, _vn = paired
    refused(post(TH, sealed(VN, th, kind="teleport")), 422, "unknown_kind")


def test_a_failing_handler_stores_nothing_and_asks_for_a_retry(paired):
    th, _vn = paired

    @handles("explodes")
    def explodes(peer, message, body):
        raise RuntimeError(body["secret"])

    try:
        token = sealed(VN, th, kind="explodes", body={"secret": "Tran Van B"})
        response = post(TH, token)
        assert response.status_code == 503
        assert response.json()["reason"] == "handler_failed"
        assert not InboxMessage.objects.exists()
    finally:
        HANDLERS.pop("explodes")


def test_nothing_personal_in_logs_or_audit(paired, caplog):
    th, _vn = paired
    body = {"name": "Pham Thi Hoa", "phone": "+84 912 345 678"}
    with caplog.at_level(logging.DEBUG):
        token = sealed(VN, th, body=body)
        assert post(TH, token).status_code == 202
        post(TH, token)
        post(TH, token[:-3] + "AAA")
    # Whole values: a short piece could turn up by chance in an id or a ciphertext.
    assert "Pham Thi Hoa" not in caplog.text and "345 678" not in caplog.text
    for event in Event.objects.filter(action__startswith="federation."):
        text = json.dumps(event.summary, ensure_ascii=False)
        assert "Pham Thi Hoa" not in text and "345 678" not in text


def test_an_oversized_body_is_refused_before_it_is_read(paired):
    response = post(TH, "a" * (1024 * 1024 + 1))
    assert response.status_code in (400, 413)
    assert not InboxMessage.objects.exists()


def test_past_sixty_refusals_an_address_is_refused_unread(paired):
    th, _vn = paired
    from django.core.cache import cache

    cache.clear()
    for _ in range(60):
        assert post(TH, "garbage").status_code == 400
    audited = Event.objects.filter(action="federation.refused").count()
    response = post(TH, sealed(VN, th))
    assert response.status_code == 429
    assert response.json()["reason"] == "too_many_refusals"
    assert int(response["Retry-After"]) > 0
    assert Event.objects.filter(action="federation.refused").count() == audited
    cache.clear()
    assert post(TH, sealed(VN, th)).status_code == 202
