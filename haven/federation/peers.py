"""Peers: fetch a deployment's signed identity document, check it, pin it, refresh it."""

import json
import urllib.request

from django.db import transaction
from django.utils import timezone

from haven.audit.services import record_event
from haven.federation.identity import DocumentError, verify_document
from haven.federation.models import Peer, PeerState

WELL_KNOWN = "/.well-known/haven-federation.json"
MAX_DOCUMENT = 256 * 1024


def fetch_document(base_url: str) -> dict:
    if not base_url.startswith(("https://", "http://")):
        raise ValueError("Not an http(s) address.")
    request = urllib.request.Request(base_url.rstrip("/") + WELL_KNOWN)  # noqa: S310
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
        return json.loads(response.read(MAX_DOCUMENT))


def add_peer(signed: dict, *, country: str = "", fingerprint: str = "") -> Peer:
    """Pin a peer from its signed document, refusing a different fingerprint or country."""
    claims = verify_document(signed)
    if fingerprint and claims["fingerprint"] != fingerprint:
        raise DocumentError("the fingerprint differs from the one given")
    if country and claims["country"] != country.upper():
        raise DocumentError("the country differs from the one given")
    with transaction.atomic():
        peer, created = Peer.objects.update_or_create(
            base_url=claims["base_url"],
            defaults={
                "name": claims["name"][:200],
                "country": claims["country"],
                "document": claims,
                "fingerprint": claims["fingerprint"],
                "refreshed": timezone.now(),
            },
        )
        record_event(
            "federation.peer_added" if created else "federation.peer_pinned_again",
            obj=peer,
            summary={"peer": peer.base_url, "fingerprint": peer.fingerprint},
        )
    return peer


def refresh_peer(peer: Peer, signed: dict) -> Peer:
    """Take a peer's new document (after its key rotation): it must be signed by a pinned key."""
    claims = verify_document(signed, pinned=peer.document)
    if claims["base_url"] != peer.base_url:
        raise DocumentError("the document is for another address")
    with transaction.atomic():
        peer.document, peer.fingerprint = claims, claims["fingerprint"]
        peer.refreshed = timezone.now()
        peer.save(update_fields=["document", "fingerprint", "refreshed"])
        record_event(
            "federation.peer_refreshed",
            obj=peer,
            summary={"peer": peer.base_url, "fingerprint": peer.fingerprint},
        )
    return peer


def set_state(peer: Peer, state: str) -> None:
    with transaction.atomic():
        peer.state = state
        peer.save(update_fields=["state"])
        record_event(
            "federation.peer_suspended"
            if state == PeerState.SUSPENDED
            else "federation.peer_resumed",
            obj=peer,
            summary={"peer": peer.base_url},
        )
