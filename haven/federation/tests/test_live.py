"""Two live Haven servers talking HTTP on 127.0.0.1: Viet Nam on SQLite, Thailand on PostgreSQL.

Each is a real deployment (haven/federation/live.py): its own data directory and development
secrets (so its own keys), its own database migrated and seeded (`seed_demo --people-only`,
`seed_demo --country TH`), gunicorn and `haven worker`, paired by fingerprint with
`federation_identity` and `add_peer`. The servers start once per module; the module runs on one
pytest-xdist worker (`xdist_group`, with `--dist loadgroup` in pyproject), ports are free ones and
the PostgreSQL database is named after the worker and the process. Every process is ended,
and the database dropped, however the tests end.
"""

import base64
import json
import os
import time
import uuid

import pytest
from joserfc import jwe, jws
from joserfc.jwk import OKPKey

from haven.federation.live import Deployment, in_parallel, pair, postgres_url, wait_for

pytestmark = [pytest.mark.live, pytest.mark.xdist_group("federation_live")]
API = "/api/v1"
CASES = 6  # consenting Vietnamese cases made for the tests, one per referral sent

VN_SETUP = f"""
import json
from haven.accounts.models import User
from haven.demo.abroad import api_token, consenting_case
alice = User.objects.get(username="alice")
cases = [str(consenting_case(alice).pk) for _ in range({CASES})]
print(json.dumps({{"token": api_token("alice"), "cases": cases}}))
"""
TH_SETUP = """
import json
from haven.accounts.models import Organisation
from haven.demo.abroad import api_token
shelter = Organisation.objects.get(name="Shelter BKK")
print(json.dumps({"token": api_token("somchai"), "shelter": str(shelter.pk)}))
"""
# Messages sealed by Viet Nam's own code, for the refusal tests: a good one, an expired one.
VN_TOKENS = """
import json
from datetime import timedelta
from django.utils import timezone
from haven.federation.envelope import seal
from haven.federation.models import Peer
th = Peer.objects.get()
print(json.dumps({
    "good": seal(th, "ping", {}),
    "replayed": seal(th, "ping", {}),
    "expired": seal(th, "ping", {}, now=timezone.now() - timedelta(minutes=10)),
}))
"""


class Live:
    def __init__(self, vn: Deployment, th: Deployment, vn_setup: dict, th_setup: dict):
        self.vn, self.th = vn, th
        self.alice, self.somchai = vn_setup["token"], th_setup["token"]
        self.shelter = th_setup["shelter"]
        self.cases = list(vn_setup["cases"])

    def refer(self) -> str:
        """alice refers one of her consenting cases to Shelter BKK; the sender's referral id."""
        body = {
            "peer": "Haven Thailand",
            "organisation": self.shelter,
            "reason": "AdditionalServicesRequired",
            "sections": ["summary", "identity", "contact"],
            "details": "Fictional: she asks for a shelter in Bangkok.",
        }
        case = self.cases.pop()
        status, answer = self.vn.request(
            "POST", f"{API}/cases/{case}/referrals/cross-border", body, self.alice
        )
        assert status == 201, answer
        return answer["id"]

    def received(self, sent: str, timeout: float = 60) -> str:
        """Wait until Thailand has the referral; its id there."""

        def look():
            rows = self.th.query(
                "SELECT referral_id FROM federation_peerreferral WHERE thread = %s AND incoming",
                (sent,),
            )
            return str(rows[0][0]) if rows else None

        return wait_for(look, timeout, what="the referral to reach Thailand")

    def state_at_vn(self, sent: str) -> str:
        status, listed = self.vn.request(
            "GET", f"{API}/referrals?direction=outgoing", None, self.alice
        )
        assert status == 200
        return next(item["state"] for item in listed if item["id"] == sent)

    def th_count(self, table: str) -> int:
        return self.th.query(f"SELECT count(*) FROM {table}")[0][0]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    folder = tmp_path_factory.mktemp("federation-live")
    vn = Deployment(name="Haven Viet Nam", country="VN", data_dir=folder / "vn")
    th = Deployment(
        name="Haven Thailand",
        country="TH",
        data_dir=folder / "th",
        database_url=postgres_url(f"live_{worker}_{os.getpid()}_th"),
    )
    try:
        in_parallel(lambda: vn.prepare(("--people-only",)), lambda: th.prepare(("--country", "TH")))
        in_parallel(vn.start, th.start)
        pair(vn, th)
        vn_setup, th_setup = in_parallel(lambda: vn.python(VN_SETUP), lambda: th.python(TH_SETUP))
        yield Live(vn, th, vn_setup, th_setup)
    finally:
        vn.stop()
        th.stop()
        th.drop_database()


def test_referral_accepted_completed_and_answers_flow_back(live):
    sent = live.refer()
    received = live.received(sent)
    status, listed = live.th.request(
        "GET", f"{API}/referrals?direction=incoming", None, live.somchai
    )
    mine = next(item for item in listed if item["id"] == received)
    assert mine["from_peer"]["url"] == live.vn.url and mine["state"] == "pending"
    assert live.th.request("POST", f"{API}/referrals/{received}/accept", {}, live.somchai)[0] == 200
    wait_for(lambda: live.state_at_vn(sent) == "accepted", what="accepted at Viet Nam")
    status, shared = live.th.request(
        "GET", f"{API}/referrals/{received}/shared", None, live.somchai
    )
    assert status == 200 and shared["people"][0]["identity"]["first_name"] == "Thu Ha"
    assert (
        live.th.request("POST", f"{API}/referrals/{received}/complete", {}, live.somchai)[0] == 200
    )
    wait_for(lambda: live.state_at_vn(sent) == "completed", what="completed at Viet Nam")


def test_revoke_deletes_the_receivers_copy(live):
    sent = live.refer()
    received = live.received(sent)
    assert live.th.request("POST", f"{API}/referrals/{received}/accept", {}, live.somchai)[0] == 200
    wait_for(lambda: live.state_at_vn(sent) == "accepted", what="accepted at Viet Nam")
    shared_before = live.th.query(
        "SELECT shared FROM federation_peerreferral WHERE referral_id = %s", (received,)
    )[0][0]
    assert live.vn.request("POST", f"{API}/referrals/{sent}/revoke", {}, live.alice)[0] == 200

    def purged():
        rows = live.th.query(
            "SELECT r.state, r.details, p.shared FROM cases_referral r "
            "JOIN federation_peerreferral p ON p.referral_id = r.id WHERE r.id = %s",
            (received,),
        )
        return rows and rows[0][0] == "revoked" and rows[0]

    _state, details, shared = wait_for(purged, what="the revoke at Thailand")
    # Columns are encrypted at rest: what is left is the ciphertext of nothing.
    assert len(shared_before) > 1000 and len(shared) < 100 and len(details) < 100
    status, listed = live.th.request(
        "GET", f"{API}/referrals?direction=incoming", None, live.somchai
    )
    mine = next(item for item in listed if item["id"] == received)
    assert mine["state"] == "revoked" and mine["details"] == ""
    status, answer = live.th.request(
        "GET", f"{API}/referrals/{received}/shared", None, live.somchai
    )
    assert status == 422 and "Thu Ha" not in json.dumps(answer)


def test_peer_down_for_a_while_then_delivered_exactly_once(live):
    live.th.stop_web()
    try:
        sent = live.refer()

        def tried():
            rows = live.vn.query(
                "SELECT id, state, attempts, last_error FROM federation_outboxmessage "
                "WHERE kind = 'referral' ORDER BY created DESC LIMIT 1"
            )
            return rows and rows[0][2] >= 1 and rows[0]

        message, state, _attempts, error = wait_for(tried, what="a failed first attempt")
        assert state == "pending" and error == "unreachable"
        assert not live.th.query("SELECT 1 FROM federation_peerreferral WHERE thread = %s", (sent,))
    finally:
        live.th.start_web()
    # Due now rather than in 30 s; one round delivers it, a second finds nothing to do.
    live.vn.query("UPDATE federation_outboxmessage SET next_attempt = %s WHERE id = %s",
                  (_sqlite_now(), message))  # fmt: skip
    live.vn.deliver()
    received = live.received(sent, timeout=30)
    assert "Delivered 0" in live.vn.deliver()
    rows = live.vn.query("SELECT state FROM federation_outboxmessage WHERE id = %s", (message,))
    assert rows == [("delivered",)]
    assert (
        len(live.th.query("SELECT 1 FROM federation_peerreferral WHERE thread = %s", (sent,))) == 1
    )
    assert len(live.th.query(
        "SELECT 1 FROM federation_inboxmessage WHERE message_id = %s", (str(uuid.UUID(message)),)
    )) == 1  # fmt: skip
    assert received


def _sqlite_now() -> str:
    """Viet Nam's SQLite stores datetimes as text in UTC."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - 1))


def _payload(document: dict) -> dict:
    encoded = document["payload"]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def _stranger_message(th: Deployment) -> str:
    """A well-formed message to Thailand from a deployment nobody pinned."""
    document = _payload(th.request("GET", "/.well-known/haven-federation.json")[1])
    recipient = next(key for key in document["keys"] if key["use"] == "enc")
    signer = OKPKey.generate_key("Ed25519", parameters={"kid": "sig-1-stranger"})
    now = int(time.time())
    claims = {"id": str(uuid.uuid4()), "iss": "http://127.0.0.1:9", "aud": th.url,
              "iat": now, "exp": now + 300, "kind": "ping", "body": {}}  # fmt: skip
    signed = jws.serialize_compact(
        {"alg": "Ed25519", "kid": "sig-1-stranger"}, json.dumps(claims).encode(), signer,
        algorithms=["Ed25519"],
    )  # fmt: skip
    public = OKPKey.import_key({k: v for k, v in recipient.items() if k != "generation"})
    header = {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "kid": recipient["kid"], "cty": "JWT"}
    return jwe.encrypt_compact(header, signed.encode(), public,
                               algorithms=["ECDH-ES+A256KW", "A256GCM"])  # fmt: skip


def test_bad_messages_are_refused_over_http_and_nothing_is_stored(live):
    tokens = live.vn.python(VN_TOKENS)
    stored = live.th_count("federation_inboxmessage"), live.th_count("cases_case")
    audited = _refusals_audited(live.th)
    parts = tokens["good"].split(".")
    parts[3] = ("A" if parts[3][0] != "A" else "B") + parts[3][1:]  # the ciphertext altered
    refusals = {
        "tampered": (live.th, ".".join(parts), 401, "bad_signature"),
        "expired": (live.th, tokens["expired"], 400, "expired"),
        "unknown peer": (live.th, _stranger_message(live.th), 403, "unknown_peer"),
        "wrong recipient": (live.vn, tokens["good"], 421, "wrong_recipient"),  # sealed to TH
        "malformed": (live.th, "not.a.message", 400, "malformed"),
    }
    for what, (target, token, status, reason) in refusals.items():
        assert target.post_inbox(token) == (status, {"status": "refused", "reason": reason}), what
    assert (live.th_count("federation_inboxmessage"), live.th_count("cases_case")) == stored
    # Replay: the first copy is accepted, the same message again is refused and not stored twice.
    assert live.th.post_inbox(tokens["replayed"])[0] == 202
    assert live.th.post_inbox(tokens["replayed"]) == (
        409,
        {"status": "refused", "reason": "replay"},
    )
    assert live.th_count("federation_inboxmessage") == stored[0] + 1
    # Each refusal at Thailand is in its audit log (the wrong recipient's is at Viet Nam's).
    assert _refusals_audited(live.th) - audited == len(refusals) - 1 + 1


def _refusals_audited(deployment: Deployment) -> int:
    return deployment.query("SELECT count(*) FROM audit_event WHERE action = 'federation.refused'")[
        0
    ][0]


def test_key_rotation_while_messages_are_in_flight(live):
    # Sealed by Viet Nam to Thailand's generation 1, before Thailand rotates.
    in_flight = live.vn.python(VN_TOKENS)["good"]
    assert "New key generation 2" in live.th.haven("federation_identity", "--rotate")
    # Viet Nam has not refreshed: it still encrypts to generation 1, which still decrypts.
    assert live.th.post_inbox(in_flight)[0] == 202
    sent = live.refer()
    received = live.received(sent)
    # Thailand now signs with generation 2, which Viet Nam has not pinned: the answer is refused
    # and waits in Thailand's outbox ...
    assert live.th.request("POST", f"{API}/referrals/{received}/accept", {}, live.somchai)[0] == 200

    def refused_once():
        rows = live.th.query(
            "SELECT id, attempts, last_error FROM federation_outboxmessage "
            "WHERE kind = 'referral_answer' AND state = 'pending' AND attempts >= 1"
        )
        return rows and rows[0]

    message, _attempts, error = wait_for(refused_once, what="the answer refused at Viet Nam")
    assert error == "bad_signature" and live.state_at_vn(sent) == "pending"
    # ... until Viet Nam refreshes Thailand's document, trusted through the pinned old key.
    live.vn.haven("peers", "--refresh", live.th.url)
    live.th.query("UPDATE federation_outboxmessage SET next_attempt = now() WHERE id = %s",
                  (message,))  # fmt: skip
    live.th.deliver()
    wait_for(lambda: live.state_at_vn(sent) == "accepted", what="accepted at Viet Nam")
    # After the old generation is retired, a message sealed to it is no longer for Thailand.
    stale = live.vn.python(VN_TOKENS.replace("Peer.objects.get()", "_old()").replace(
        "import json", "import json, copy\n" + OLD_PEER))["good"]  # fmt: skip
    live.th.haven("federation_identity", "--retire", "1")
    assert live.th.post_inbox(stale) == (421, {"status": "refused", "reason": "wrong_recipient"})
    fresh = live.vn.python(VN_TOKENS)["good"]  # sealed to generation 2 now
    assert live.th.post_inbox(fresh)[0] == 202


# Viet Nam's peer row for Thailand as it was before the refresh (generation 1 keys only).
OLD_PEER = """
def _old():
    peer = Peer.objects.get()
    peer.document = dict(peer.document, keys=[k for k in peer.document["keys"] if k["generation"] == 1])
    return peer
"""
