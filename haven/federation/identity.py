"""This deployment's federation keys and its signed identity document.

Keys are made with joserfc (Ed25519 to sign, X25519 to receive encrypted messages); the private
halves are stored encrypted under HAVEN_ENCRYPTION_KEYS. The document published at
/.well-known/haven-federation.json is a JWS in the general JSON serialization, signed by every
signing key not retired, so a peer that pinned an older key can trust a rotated document.
"""

import base64
import json
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from haven.accounts.models import Organisation
from haven.federation.models import FederationKey, KeyUse

SIGNING_ALG = "Ed25519"  # RFC 9864: EdDSA with Ed25519, fully specified
DOCUMENT_VERSION = 1
CURVES = {KeyUse.SIGN: "Ed25519", KeyUse.ENCRYPT: "X25519"}


class DocumentError(Exception):
    """An identity document that cannot be trusted; the message names why (no personal data)."""


def _new_key(use: str, generation: int) -> FederationKey:
    kid = f"{use}-{generation}-{secrets.token_hex(4)}"
    key = OKPKey.generate_key(CURVES[use], parameters={"kid": kid, "use": use})
    return FederationKey.objects.create(
        owner=settings.HAVEN_PUBLIC_URL,
        kid=kid,
        use=use,
        generation=generation,
        public_jwk=key.as_dict(private=False),
        private_jwk=json.dumps(key.as_dict(private=True)),
    )


@transaction.atomic
def rotate() -> int:
    """Add a generation (a signing and an encryption key); return its number."""
    last = own_keys().select_for_update().order_by("-generation").first()
    generation = (last.generation + 1) if last else 1
    for use in (KeyUse.SIGN, KeyUse.ENCRYPT):
        _new_key(use, generation)
    return generation


def own_keys():
    return FederationKey.objects.filter(owner=settings.HAVEN_PUBLIC_URL)


def ensure_identity() -> None:
    if not own_keys().exists():
        rotate()


def retire(generation: int) -> int:
    """Retire a generation: no longer published, no longer decrypts. The newest cannot be."""
    newest = own_keys().filter(retired=None).order_by("-generation").first()
    if newest is None or newest.generation == generation:
        raise ValueError("The newest generation signs and cannot be retired; rotate first.")
    return own_keys().filter(generation=generation, retired=None).update(retired=timezone.now())


def live_keys(use: str):
    return own_keys().filter(use=use, retired=None).order_by("-generation")


def private_key(record: FederationKey) -> OKPKey:
    return OKPKey.import_key(json.loads(record.private_jwk))


# Imported private keys by kid: a kid's key never changes (whether it is live is asked each time).
_imported: dict[str, OKPKey] = {}


def _cached(keys) -> OKPKey | None:
    kid = keys.values_list("kid", flat=True).first()
    if kid is None:
        return None
    if kid not in _imported:
        _imported[kid] = private_key(FederationKey.objects.get(kid=kid))
    return _imported[kid]


def signing_key() -> OKPKey:
    key = _cached(live_keys(KeyUse.SIGN))
    if key is None:  # first use: make the identity
        ensure_identity()
        key = _cached(live_keys(KeyUse.SIGN))
    return key


def decryption_key(kid: str) -> OKPKey | None:
    return _cached(own_keys().filter(kid=kid, use=KeyUse.ENCRYPT, retired=None))


def fingerprint(jwk: dict) -> str:
    """RFC 7638 thumbprint (SHA-256, base64url) of a public key: what people compare."""
    return OKPKey.import_key(jwk).thumbprint()


def document_claims() -> dict:
    ensure_identity()
    keys = [dict(key.public_jwk, generation=key.generation) for key in live_keys(KeyUse.SIGN)]
    keys += [dict(key.public_jwk, generation=key.generation) for key in live_keys(KeyUse.ENCRYPT)]
    return {
        "haven_federation": DOCUMENT_VERSION,
        "name": settings.HAVEN_FEDERATION_NAME,
        "country": settings.HAVEN_COUNTRY,
        "base_url": settings.HAVEN_PUBLIC_URL,
        "keys": keys,
        "fingerprint": fingerprint(keys[0]),
        "issued": int(timezone.now().timestamp()),
        "organisations": directory(),
    }


def directory() -> list[dict]:
    """Organisations that accept cross-border referrals: public facts only, codes not labels."""
    listed = []
    for organisation in Organisation.objects.filter(accepts_cross_border=True).order_by("name"):
        services = organisation.services.filter(published=True)
        listed.append(
            {
                "id": str(organisation.pk),
                "name": organisation.name,
                "type": organisation.org_type,
                "country": str(organisation.country),
                "services": sorted({service.kind for service in services}),
                "languages": sorted(
                    {
                        language.strip()
                        for service in services
                        for language in service.languages.split(",")
                        if language.strip()
                    }
                ),
            }
        )
    return listed


def signed_document() -> dict:
    """The identity document as a JWS JSON serialization signed by each live signing key."""
    payload = json.dumps(document_claims(), sort_keys=True, separators=(",", ":"))
    members = [
        {"protected": {"alg": SIGNING_ALG, "kid": record.kid}} for record in live_keys(KeyUse.SIGN)
    ]
    keys = {record.kid: private_key(record) for record in live_keys(KeyUse.SIGN)}
    return jws.serialize_json(
        members,
        payload.encode(),
        lambda member: keys[member.headers()["kid"]],
        algorithms=[SIGNING_ALG],
    )


def verify_document(signed: dict, pinned: dict | None = None) -> dict:
    """The claims of a signed identity document, or DocumentError.

    Every signature must verify with a signing key the document itself lists. With `pinned`
    (the document held so far), at least one signer must be a key pinned there, unchanged.
    """
    try:
        encoded = signed["payload"]
        payload = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (ValueError, TypeError, KeyError):
        raise DocumentError("not a signed identity document") from None
    if not isinstance(payload, dict) or payload.get("haven_federation") != DOCUMENT_VERSION:
        raise DocumentError("unknown document version")
    listed = {
        key.get("kid"): key for key in payload.get("keys", []) if key.get("use") == KeyUse.SIGN
    }

    def key_for(member):
        jwk = listed.get(member.headers().get("kid"))
        if jwk is None:
            raise DocumentError("signed by a key the document does not list")
        return OKPKey.import_key({k: v for k, v in jwk.items() if k != "generation"})

    try:
        verified = jws.deserialize_json(signed, key_for, algorithms=[SIGNING_ALG])
    except JoseError:
        raise DocumentError("a signature does not verify") from None
    signers = {member.headers()["kid"] for member in verified.members}
    if pinned is not None:
        old = {key["kid"]: key for key in pinned.get("keys", []) if key.get("use") == KeyUse.SIGN}
        if not any(kid in old and old[kid] == listed[kid] for kid in signers):
            raise DocumentError("not signed by any key pinned for this peer")
    return payload
