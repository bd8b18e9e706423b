"""Sending: messages written in the caller's transaction, delivered by rounds, retried with backoff.

A round takes the pending messages that are due for active peers, seals each afresh (so a message
retried for hours is never stale, and is signed with the newest key) and posts it. The receiver
answers 202 when it accepts, 409 `replay` when it already has the id: both count as delivered,
which makes delivery happen once in effect. Anything else waits 30 s, then twice as long each
time up to 6 h; after 12 attempts the message is failed and shown to administrators.
"""

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from haven.audit.services import record_event
from haven.federation.envelope import seal
from haven.federation.models import OutboxMessage, OutboxState, Peer, PeerState

log = logging.getLogger(__name__)

INBOX_PATH = "/federation/v1/inbox"
CONTENT_TYPE = "application/jose"
FIRST_DELAY = 30  # seconds
MAX_DELAY = 6 * 3600
MAX_ATTEMPTS = 12
LEASE = timedelta(minutes=5)  # a round's claim on a message, should the round die
TIMEOUT = 15  # seconds for one delivery

# (url, sealed message) -> (HTTP status, reason code); 0 when the peer cannot be reached.
Transport = Callable[[str, str], tuple[int, str]]


def http_transport(url: str, token: str) -> tuple[int, str]:
    if not url.startswith(("https://", "http://")):
        return 0, "bad_address"
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url, data=token.encode(), method="POST", headers={"Content-Type": CONTENT_TYPE}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status, "accepted"
    except urllib.error.HTTPError as error:
        try:
            reason = str(json.loads(error.read(4096)).get("reason", ""))[:40]
        except (ValueError, AttributeError):
            reason = ""
        return error.code, reason or f"http_{error.code}"
    except (urllib.error.URLError, OSError):
        return 0, "unreachable"


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s, 60 s, 120 s ... at most 6 h."""
    return timedelta(seconds=min(FIRST_DELAY * 2 ** (attempts - 1), MAX_DELAY))


def send(peer: Peer, kind: str, body: dict) -> OutboxMessage:
    """Queue a message for `peer` in the current transaction, and a delivery round after it."""
    from haven.federation.tasks import deliver_outbox_job

    with transaction.atomic():
        message = OutboxMessage.objects.create(peer=peer, kind=kind, body=json.dumps(body))
        deliver_outbox_job.enqueue()
    return message


@dataclass
class Round:
    delivered: int = 0
    retried: int = 0
    failed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _claim(now, limit: int) -> list[OutboxMessage]:
    with transaction.atomic():
        due = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(state=OutboxState.PENDING, next_attempt__lte=now)
            .filter(peer__state=PeerState.ACTIVE)  # a suspended peer gets nothing
            .select_related("peer")
            .order_by("next_attempt", "created")[:limit]
        )
        OutboxMessage.objects.filter(pk__in=[m.pk for m in due]).update(next_attempt=now + LEASE)
    return due


def _deliver(message: OutboxMessage, transport: Transport, now) -> str:
    try:
        token = seal(message.peer, message.kind, json.loads(message.body), message.id)
    except Exception as error:  # e.g. the peer's document lists no encryption key
        status, reason = 0, f"seal_{error.__class__.__name__}"
    else:
        status, reason = transport(message.peer.base_url + INBOX_PATH, token)
    message.attempts += 1
    if status == 202 or (status == 409 and reason == "replay"):
        message.state, message.delivered, message.last_error = OutboxState.DELIVERED, now, ""
        outcome = "delivered"
    else:
        message.last_error = reason[:64] or f"http_{status}"
        if message.attempts >= MAX_ATTEMPTS:
            message.state = OutboxState.FAILED
            outcome = "failed"
        else:
            message.next_attempt = now + retry_delay(message.attempts)
            outcome = "retried"
    with transaction.atomic():
        message.save(update_fields=["state", "delivered", "last_error", "attempts", "next_attempt"])
        record_event(
            f"federation.{outcome}",
            obj=message,
            summary={
                "message_id": str(message.id),
                "kind": message.kind,
                "peer": message.peer.base_url,
                "attempt": message.attempts,
                "status": status,
            },
        )
    if outcome != "delivered":
        log.warning("Federation message %s %s: %s", message.id, outcome, message.last_error)
    return outcome


def deliver_round(transport: Transport | None = None, now=None, limit: int = 500) -> Round:
    """Try every due message once; return how many were delivered, retried and failed."""
    now = now or timezone.now()
    result = Round()
    for message in _claim(now, limit):
        outcome = _deliver(message, transport or http_transport, now)
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result
