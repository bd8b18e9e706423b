"""Write and verify the audit log. `record_event` is the only way events are written.

Each event's hash is an HMAC-SHA256, under a key from HAVEN_AUDIT_KEY (never in the database),
over the previous event's hash and the event's content: whoever can write the database but not
read the key cannot recompute the chain after altering an event.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from haven.audit.models import GENESIS_HASH, Event

# Any constant will do: it names the lock that serialises writers of the chain on PostgreSQL.
CHAIN_LOCK_ID = 0x4A5645_0001


class UnknownKeyError(Exception):
    """An event names an audit key that is not configured."""


def signing_key_id() -> str:
    return settings.HAVEN_AUDIT_KEY[0][0]


def _audit_key(key_id: str) -> bytes:
    for candidate, key in settings.HAVEN_AUDIT_KEY:
        if candidate == key_id:
            return key
    raise UnknownKeyError(key_id)


def canonical_content(event: Event) -> str:
    """The event's content as the hash covers it (the key id included, so it cannot be swapped)."""
    return json.dumps(
        [
            event.key_id,
            event.seq,
            event.created.astimezone(UTC).isoformat(timespec="microseconds"),
            str(event.actor_id or ""),
            event.actor_username,
            str(event.organisation_id or ""),
            event.action,
            event.object_type,
            event.object_id,
            event.summary,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def compute_hash(event: Event) -> str:
    """HMAC-SHA256 under the event's key over the previous hash and the content."""
    message = (event.previous_hash + canonical_content(event)).encode()
    return hmac.new(_audit_key(event.key_id), message, hashlib.sha256).hexdigest()


def record_event(
    action: str,
    *,
    actor=None,
    obj=None,
    organisation=None,
    summary: dict | None = None,
) -> Event:
    """Append one event to the chain, inside the caller's transaction.

    `summary` holds codes and counts only, never names, contacts or free text.
    """
    if organisation is None and actor is not None:
        organisation = getattr(actor, "organisation", None)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_ID])
        last = Event.objects.order_by("-seq").only("seq", "hash").first()
        event = Event(
            seq=(last.seq + 1) if last else 1,
            created=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_username=getattr(actor, "username", "") or "",
            organisation_id=getattr(organisation, "pk", None),
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            summary=summary or {},
            previous_hash=last.hash if last else GENESIS_HASH,
            key_id=signing_key_id(),
        )
        event.hash = compute_hash(event)
        event.save()
    return event


@dataclass
class ChainReport:
    count: int
    head: str
    broken_seq: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_seq is None


def verify_chain() -> ChainReport:
    """Recompute every link; report the first event that was altered, removed or inserted."""
    expected_seq, expected_previous, count = 1, GENESIS_HASH, 0
    for event in Event.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return ChainReport(
                count,
                expected_previous,
                expected_seq,
                f"event {expected_seq} is missing (the next one found is {event.seq})",
            )
        if event.previous_hash != expected_previous:
            return ChainReport(
                count,
                expected_previous,
                event.seq,
                f"event {event.seq} does not link to the event before it",
            )
        try:
            expected_hash = compute_hash(event)
        except UnknownKeyError:
            return ChainReport(
                count,
                expected_previous,
                event.seq,
                f"event {event.seq} names audit key {event.key_id!r}, which is not configured",
            )
        if not hmac.compare_digest(expected_hash, event.hash):
            return ChainReport(
                count,
                expected_previous,
                event.seq,
                f"event {event.seq} was altered: its content does not match its hash",
            )
        expected_seq, expected_previous, count = event.seq + 1, event.hash, count + 1
    return ChainReport(count, expected_previous)
