"""Federation messages per second: Haven's seal/open beside raw joserfc JWS, in the same run.

    HAVEN_DEBUG=true .venv/bin/python bench/federation.py                 # 1,000 messages
    HAVEN_DEBUG=true .venv/bin/python bench/federation.py --messages 200  # a quick look

Makes a throw-away SQLite database in a temporary directory, two deployments in it (Viet Nam and
Thailand, told apart by HAVEN_PUBLIC_URL as in haven/federation/tests), pins each to the other,
then measures, single-threaded:
  - raw joserfc: JWS compact sign and verify (Ed25519), and JWS-in-JWE seal/open with keys in
    memory (the floor: the cryptography alone);
  - Haven's seal (keys read from the database and decrypted, claims built) and open_message
    (decrypt, verify, peer and replay checks);
  - the whole path: outbox rows written, then delivery rounds posting each message to the other
    deployment's inbox through Django's test client (stored encrypted, audited), with the p95
    from the outbox row's creation to its acceptance.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rate(label: str, count: int, run) -> float:
    started = time.perf_counter()
    for index in range(count):
        run(index)
    per_second = count / (time.perf_counter() - started)
    print(f"{label:<48} {per_second:>10,.0f} /s")
    return per_second


def raw_joserfc(count: int) -> None:
    from joserfc import jwe, jws
    from joserfc.jwk import OKPKey

    signer = OKPKey.generate_key("Ed25519", parameters={"kid": "s"})
    receiver = OKPKey.generate_key("X25519", parameters={"kid": "e"})
    public = OKPKey.import_key(receiver.as_dict(private=False))
    payload = b'{"id":"00000000-0000-0000-0000-000000000000","kind":"ping","body":{}}'
    header = {"alg": "Ed25519", "kid": "s"}
    algs = ["Ed25519"]
    enc = {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "kid": "e"}
    enc_algs = ["ECDH-ES+A256KW", "A256GCM"]
    token = jws.serialize_compact(header, payload, signer, algorithms=algs)
    rate("raw joserfc JWS sign (Ed25519)", count, lambda i: jws.serialize_compact(
        header, payload, signer, algorithms=algs))  # fmt: skip
    rate("raw joserfc JWS verify", count, lambda i: jws.deserialize_compact(
        token, signer, algorithms=algs))  # fmt: skip

    def seal(i):
        signed = jws.serialize_compact(header, payload, signer, algorithms=algs)
        return jwe.encrypt_compact(enc, signed.encode(), public, algorithms=enc_algs)

    sealed = seal(0)
    rate("raw joserfc JWS in JWE seal", count, seal)

    def open_(i):
        signed = jwe.decrypt_compact(sealed, receiver, algorithms=enc_algs).plaintext
        jws.deserialize_compact(signed, signer, algorithms=algs)

    rate("raw joserfc JWE decrypt + JWS verify", count, open_)


def haven(count: int) -> None:
    from django.test import Client, override_settings

    from haven.federation.envelope import open_message, seal
    from haven.federation.identity import signed_document
    from haven.federation.models import InboxMessage, OutboxMessage
    from haven.federation.outbox import deliver_round, send
    from haven.federation.peers import add_peer

    vn = override_settings(HAVEN_PUBLIC_URL="https://vn.bench", HAVEN_COUNTRY="VN")
    th = override_settings(HAVEN_PUBLIC_URL="https://th.bench", HAVEN_COUNTRY="TH")
    with th:
        th_document = signed_document()
    with vn:
        vn_document = signed_document()
        th_peer = add_peer(th_document)
    with th:
        add_peer(vn_document)

    with vn:
        rate("Haven seal (keys from the database)", count, lambda i: seal(th_peer, "ping", {}))
        tokens = [seal(th_peer, "ping", {}) for _ in range(count)]
    with th:
        rate("Haven open_message (decrypt, verify, checks)", count,
             lambda i: open_message(tokens[i]))  # fmt: skip

    client = Client()

    def transport(url, token):
        with th:
            response = client.post(
                "/federation/v1/inbox", data=token, content_type="application/jose"
            )
        return response.status_code, response.json().get("reason", "accepted")

    latencies = []
    with vn:
        started = time.perf_counter()
        for _ in range(count):
            began = time.perf_counter()
            send(th_peer, "ping", {"referral": "x" * 400})
            assert deliver_round(transport).delivered == 1
            latencies.append(time.perf_counter() - began)
        elapsed = time.perf_counter() - started
    assert OutboxMessage.objects.filter(state="delivered").count() == count
    assert InboxMessage.objects.count() == count
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"{'send + deliver + inbox accept, end to end':<48} {count / elapsed:>10,.0f} /s")
    print(f"{'p95 from send to acceptance':<48} {p95 * 1000:>10,.1f} ms "
          f"(median {statistics.median(latencies) * 1000:,.1f} ms)")  # fmt: skip


LIVE_SEND = """
import json, time
from haven.accounts.models import User
from haven.demo.abroad import consenting_case
from haven.federation.models import Peer
from haven.federation.referrals import refer_abroad
alice = User.objects.get(username="alice")
listed = Peer.objects.get().document["organisations"]
shelter = next(o["id"] for o in listed if o["name"] == "Shelter BKK")
cases = [consenting_case(alice) for _ in range(COUNT)]
started = time.time()
for case in cases:
    refer_abroad(case, actor=alice, peer="Haven Thailand", organisation=shelter,
                 reason="AdditionalServicesRequired", sections=["summary", "identity", "contact"],
                 details="Fictional bench referral.")
print(json.dumps({"started": started, "written": time.time() - started}))
"""


def _moment(value) -> float:
    """A timestamp from PostgreSQL (aware datetime) or SQLite (UTC text)."""
    from datetime import UTC, datetime

    if isinstance(value, str):
        value = datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.timestamp()


def live_http(count: int, th_database: str) -> None:
    import uuid

    from haven.federation.live import Deployment, in_parallel, pair, wait_for

    folder = Path(tempfile.mkdtemp(prefix="haven-bench-federation-live-"))
    vn = Deployment(name="Haven Viet Nam", country="VN", data_dir=folder / "vn")
    th = Deployment(name="Haven Thailand", country="TH", data_dir=folder / "th",
                    database_url=th_database)  # fmt: skip
    try:
        in_parallel(lambda: vn.prepare(("--people-only",)), lambda: th.prepare(("--country", "TH")))
        in_parallel(vn.start, th.start)
        pair(vn, th)
        sent = vn.python(LIVE_SEND.replace("COUNT", str(count)), timeout=3600)
        arrived = "SELECT count(*) FROM federation_inboxmessage WHERE kind = 'referral'"
        wait_for(lambda: th.query(arrived)[0][0] >= count, 3600, every=1, what="every referral")
        created = {
            uuid.UUID(str(key)): _moment(at)
            for key, at in vn.query(
                "SELECT id, created FROM federation_outboxmessage WHERE kind = 'referral'"
            )
        }
        received = {
            uuid.UUID(str(key)): _moment(at)
            for key, at in th.query(
                "SELECT message_id, received FROM federation_inboxmessage WHERE kind = 'referral'"
            )
        }
    finally:
        vn.stop()
        th.stop()
        th.drop_database()
        shutil.rmtree(folder, ignore_errors=True)
    assert len(received) == count and set(received) == set(created)
    latencies = sorted(received[key] - created[key] for key in received)
    elapsed = max(received.values()) - sent["started"]
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(
        f"{count} referrals over HTTP, Viet Nam (SQLite) to Thailand (PostgreSQL), gunicorn + worker"
    )
    print(
        f"{'  written at Viet Nam (referral, outbox, audit)':<48} {count / sent['written']:>10,.0f} /s"
    )
    print(f"{'  delivered and accepted at Thailand':<48} {count / elapsed:>10,.0f} /s")
    print(f"{'  p95 from send to the receiver inbox':<48} {p95 * 1000:>10,.0f} ms "
          f"(median {statistics.median(latencies) * 1000:,.0f} ms)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--referrals", type=int, default=1000, help="Over HTTP; 0: none")
    args = parser.parse_args()
    from haven.federation.live import postgres_url

    th_database = postgres_url(f"bench_th_{os.getpid()}")  # before this process's settings
    folder = tempfile.mkdtemp(prefix="haven-bench-federation-")
    os.environ.update(
        HAVEN_DEBUG="true",
        HAVEN_DATA_DIR=folder,
        HAVEN_DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3",
        DJANGO_SETTINGS_MODULE="haven.settings",
    )
    import django
    from django.core.management import call_command

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, in-memory e-mail
    call_command("migrate", verbosity=0)
    print(f"{args.messages} messages each, one thread, SQLite in {folder}")
    raw_joserfc(args.messages)
    haven(args.messages)
    if args.referrals:
        live_http(args.referrals, th_database)


if __name__ == "__main__":
    main()
