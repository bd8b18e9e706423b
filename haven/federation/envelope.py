"""Sealing and opening messages: a JWS (Ed25519) nested inside a JWE (ECDH-ES+A256KW, A256GCM).

Every cryptographic step is joserfc's. `open_message` checks, in this order, and refuses with the
first reason that applies (docs/federation.md has the table).
"""

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from joserfc import jwe, jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from haven.federation.identity import SIGNING_ALG, decryption_key, signing_key
from haven.federation.models import InboxMessage, KeyUse, Peer

KEY_ALG = "ECDH-ES+A256KW"
CONTENT_ALG = "A256GCM"
LIFETIME = 300  # seconds a sealed message stays valid
CLOCK_SKEW = 60  # seconds a sender's clock may run ahead
MAX_SIZE = 1024 * 1024  # bytes of a sealed message
CLAIMS = {"id": str, "iss": str, "aud": str, "iat": int, "exp": int, "kind": str, "body": dict}


@dataclass(frozen=True)
class Refusal(Exception):
    status: int
    reason: str


MALFORMED = Refusal(400, "malformed")
EXPIRED = Refusal(400, "expired")
BAD_SIGNATURE = Refusal(401, "bad_signature")
UNKNOWN_PEER = Refusal(403, "unknown_peer")
PEER_SUSPENDED = Refusal(403, "peer_suspended")
REPLAY = Refusal(409, "replay")
WRONG_RECIPIENT = Refusal(421, "wrong_recipient")


@dataclass(frozen=True)
class Opened:
    peer: Peer
    claims: dict


def _public(jwk: dict) -> OKPKey:
    return OKPKey.import_key({k: v for k, v in jwk.items() if k != "generation"})


def seal(peer: Peer, kind: str, body: dict, message_id: uuid.UUID | None = None, now=None) -> str:
    """Sign as this deployment, encrypt to the peer's newest encryption key."""
    now = int((now or timezone.now()).timestamp())
    claims = {
        "id": str(message_id or uuid.uuid4()),
        "iss": settings.HAVEN_PUBLIC_URL,
        "aud": peer.base_url,
        "iat": now,
        "exp": now + LIFETIME,
        "kind": kind,
        "body": body,
    }
    key = signing_key()
    signed = jws.serialize_compact(
        {"alg": SIGNING_ALG, "kid": key.kid},
        json.dumps(claims, separators=(",", ":")).encode(),
        key,
        algorithms=[SIGNING_ALG],
    )
    recipient = max(peer.public_keys(KeyUse.ENCRYPT).values(), key=lambda k: k["generation"])
    header = {"alg": KEY_ALG, "enc": CONTENT_ALG, "kid": recipient["kid"], "cty": "JWT"}
    return jwe.encrypt_compact(
        header, signed.encode(), _public(recipient), algorithms=[KEY_ALG, CONTENT_ALG]
    )


def _header(segment: str) -> dict:
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise MALFORMED from None
    if not isinstance(header, dict):
        raise MALFORMED
    return header


def _decrypt(token: str) -> bytes:
    parts = token.split(".")
    if len(token) > MAX_SIZE or len(parts) != 5:
        raise MALFORMED
    header = _header(parts[0])
    if header.get("alg") != KEY_ALG or header.get("enc") != CONTENT_ALG:
        raise MALFORMED
    key = decryption_key(str(header.get("kid", "")))
    if key is None:
        raise WRONG_RECIPIENT  # encrypted to a key that is not (or no longer) ours
    try:
        return jwe.decrypt_compact(token, key, algorithms=[KEY_ALG, CONTENT_ALG]).plaintext
    except JoseError:
        raise BAD_SIGNATURE from None  # the authentication tag does not match: altered
    except ValueError:
        raise MALFORMED from None


def _claims(signed: bytes) -> tuple[dict, str]:
    try:
        compact = jws.extract_compact(signed)
        claims = json.loads(compact.payload)
    except (JoseError, ValueError, UnicodeDecodeError):
        raise MALFORMED from None
    if not isinstance(claims, dict) or any(
        not isinstance(claims.get(name), kind) for name, kind in CLAIMS.items()
    ):
        raise MALFORMED
    try:
        uuid.UUID(claims["id"])
    except ValueError:
        raise MALFORMED from None
    return claims, str(compact.headers().get("kid", ""))


def open_message(token: str, now: datetime | None = None) -> Opened:
    """Decrypt, verify and check a sealed message; Refusal if anything is wrong."""
    signed = _decrypt(token)
    claims, kid = _claims(signed)
    if claims["aud"] != settings.HAVEN_PUBLIC_URL:
        raise WRONG_RECIPIENT
    peer = Peer.objects.filter(base_url=claims["iss"]).first()
    if peer is None:
        raise UNKNOWN_PEER
    if not peer.active:
        raise PEER_SUSPENDED
    jwk = peer.public_keys(KeyUse.SIGN).get(kid)
    if jwk is None:
        raise BAD_SIGNATURE
    try:
        jws.deserialize_compact(signed, _public(jwk), algorithms=[SIGNING_ALG])
    except JoseError:
        raise BAD_SIGNATURE from None
    now = int((now or timezone.now()).timestamp())
    if claims["exp"] < now or claims["iat"] > now + CLOCK_SKEW or claims["exp"] < claims["iat"]:
        raise EXPIRED
    if claims["exp"] - claims["iat"] > LIFETIME:
        raise EXPIRED
    if InboxMessage.objects.filter(peer=peer, message_id=claims["id"]).exists():
        raise REPLAY
    return Opened(peer=peer, claims=claims)
