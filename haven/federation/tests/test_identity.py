"""The identity document, pinning peers, key rotation and retirement, and the commands."""

import copy
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from haven.federation.envelope import seal
from haven.federation.identity import DocumentError, retire, rotate, verify_document
from haven.federation.models import FederationKey, Peer, PeerState
from haven.federation.peers import add_peer, refresh_peer
from haven.federation.tests.conftest import LA, TH, VN, document_of, pin, post, site

pytestmark = pytest.mark.django_db


def test_the_document_is_public_signed_and_holds_only_public_keys(db):
    with site(TH):
        response = Client().get("/.well-known/haven-federation.json")
    assert response.status_code == 200
    claims = verify_document(response.json())
    assert claims["name"] == "Haven Thailand"
    assert claims["country"] == "TH"
    assert claims["base_url"] == "https://th.haven.test"
    assert {(k["use"], k["generation"]) for k in claims["keys"]} == {("sig", 1), ("enc", 1)}
    assert all("d" not in key and key["kid"] for key in claims["keys"])
    assert set(claims) == {
        "haven_federation", "name", "country", "base_url", "keys", "fingerprint", "issued",
        "organisations",
    }  # fmt: skip


def test_the_document_lists_organisations_accepting_cross_border_referrals(db):
    from haven.accounts.models import Organisation

    listed = Organisation.objects.order_by("name").first()
    listed.accepts_cross_border = True
    listed.save()
    listed.services.create(
        country="VN", kind="shelter", name="Nha tam lanh", description="x",
        phone="+84 912 345 678", languages="Vietnamese, English",
    )  # fmt: skip
    with site(VN):
        response = Client().get("/.well-known/haven-federation.json")
    organisations = verify_document(response.json())["organisations"]
    assert [o["id"] for o in organisations] == [str(listed.pk)]
    entry = organisations[0]
    assert entry["services"] == ["shelter"] and entry["languages"] == ["English", "Vietnamese"]
    assert set(entry) == {"id", "name", "type", "country", "services", "languages"}
    assert "345 678" not in response.content.decode()  # the service's phone is not in it


def test_private_keys_are_encrypted_at_rest(db):
    document_of(VN)
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_jwk FROM federation_federationkey")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all(value.startswith("hv1:") and '"d"' not in value for value in stored)
    key = FederationKey.objects.first()
    assert "d" in json.loads(key.private_jwk)


def test_a_changed_document_is_refused(db):
    signed = document_of(TH)
    payload = json.loads(_decode(signed["payload"]))
    payload["base_url"] = "https://evil.test"
    forged = dict(signed, payload=_encode(json.dumps(payload)))
    with pytest.raises(DocumentError):
        verify_document(forged)
    with pytest.raises(DocumentError):
        verify_document({"payload": "e30", "signatures": []})
    with pytest.raises(DocumentError):
        verify_document({"nothing": 1})


def test_a_document_signed_by_a_key_it_does_not_list_is_refused(db):
    signed = copy.deepcopy(document_of(TH))
    signed["signatures"] += document_of(LA)["signatures"]  # Laos's key signs Thailand's claims
    with pytest.raises(DocumentError):
        verify_document(signed)


def test_pinning_checks_fingerprint_and_country(db):
    signed = document_of(TH)
    claims = verify_document(signed)
    with site(VN), pytest.raises(DocumentError, match="fingerprint"):
        add_peer(signed, fingerprint="x" * 43)
    with site(VN), pytest.raises(DocumentError, match="country"):
        add_peer(signed, country="LA")
    with site(VN):
        peer = add_peer(signed, country="th", fingerprint=claims["fingerprint"])
    assert (peer.name, peer.country, peer.fingerprint) == (
        "Haven Thailand",
        "TH",
        claims["fingerprint"],
    )


def test_rotation_old_generation_verifies_until_retired(paired):
    th, vn = paired
    in_flight = [_sealed(VN, th) for _ in range(2)]  # signed with Viet Nam's generation 1
    with site(VN):
        assert rotate() == 2
    refresh_peer(vn, document_of(VN))  # signed by generations 1 and 2; 1 is pinned
    assert {k["generation"] for k in vn.document["keys"]} == {1, 2}
    assert post(TH, in_flight[0]).status_code == 202
    assert post(TH, _sealed(VN, th)).status_code == 202  # generation 2
    with site(VN):
        retire(1)
    refresh_peer(vn, document_of(VN))  # signed by generation 2, pinned at the last refresh
    response = post(TH, in_flight[1])
    assert (response.status_code, response.json()["reason"]) == (401, "bad_signature")


def test_a_receiver_decrypts_with_an_old_key_until_it_retires_it(paired):
    th, _vn = paired
    before = _sealed(VN, th)  # encrypted to Thailand's generation 1
    later = _sealed(VN, th)
    with site(TH):
        rotate()
    assert post(TH, before).status_code == 202
    with site(TH):
        retire(1)
    response = post(TH, later)
    assert (response.status_code, response.json()["reason"]) == (421, "wrong_recipient")


def test_the_newest_generation_cannot_be_retired(db):
    with site(VN):
        rotate()
        with pytest.raises(ValueError):
            retire(1)
        rotate()
        with pytest.raises(ValueError):
            retire(2)
        assert retire(1) == 2  # its signing and encryption keys


def test_a_refresh_not_signed_by_a_pinned_key_is_refused(paired):
    _th, vn = paired
    with site(VN):
        rotate()
        retire(1)  # the new document is signed by generation 2 only, never pinned
    with pytest.raises(DocumentError, match="pinned"):
        refresh_peer(vn, document_of(VN))
    with pytest.raises(DocumentError):
        refresh_peer(Peer.objects.get(base_url=TH["HAVEN_PUBLIC_URL"]), document_of(VN))


def test_commands_show_rotate_pin_list_and_suspend(db, tmp_path):
    out = StringIO()
    with site(TH):
        call_command("federation_identity", stdout=out)
        call_command("federation_identity", "--rotate", "--retire", "1", stdout=out)
    text = out.getvalue()
    assert "Haven Thailand" in text and "Fingerprint:" in text and "generation 2" in text
    path = tmp_path / "th.json"
    path.write_text(json.dumps(document_of(TH)))
    with site(VN):
        with pytest.raises(CommandError, match="country"):
            call_command("add_peer", "--file", str(path), "--country", "LA", stdout=out)
        call_command("add_peer", "--file", str(path), "--country", "TH", stdout=out)
        out = StringIO()
        call_command("peers", "--suspend", TH["HAVEN_PUBLIC_URL"], stdout=out)
        assert "suspended" in out.getvalue()
        assert Peer.objects.get(base_url=TH["HAVEN_PUBLIC_URL"]).state == PeerState.SUSPENDED
        call_command("peers", "--resume", TH["HAVEN_PUBLIC_URL"], stdout=out)
        call_command("peers", "--refresh", TH["HAVEN_PUBLIC_URL"], "--file", str(path))
        with pytest.raises(CommandError):
            call_command("peers", "--suspend", "https://nobody.test")
        with pytest.raises(CommandError):
            call_command("add_peer", "ftp://th.haven.test")
    assert Peer.objects.get().state == PeerState.ACTIVE


def test_a_peer_is_pinned_by_address_once(db):
    pin(VN, TH)
    pin(VN, TH)
    assert Peer.objects.count() == 1


def _sealed(sender, peer):
    with site(sender):
        return seal(peer, "ping", {})


def _decode(value: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _encode(text: str) -> str:
    import base64

    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()
