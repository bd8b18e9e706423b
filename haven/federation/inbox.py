"""Receiving: open a sealed message, remember its id, store it encrypted, hand it to its handler.

Handlers are registered per message kind with `@handles("kind")`; each is called with the peer,
the stored message and the message's body, inside the transaction that stores the message, so a
handler that fails leaves no trace and the sender tries again later.
"""

import json
import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction

from haven.audit.services import record_event
from haven.federation.envelope import REPLAY, Refusal, open_message
from haven.federation.models import InboxMessage, Peer

log = logging.getLogger(__name__)

Handler = Callable[[Peer, InboxMessage, dict], None]
HANDLERS: dict[str, Handler] = {}
UNKNOWN_KIND = Refusal(422, "unknown_kind")


def handles(kind: str):
    def register(handler: Handler) -> Handler:
        HANDLERS[kind] = handler
        return handler

    return register


@handles("ping")
def ping(peer: Peer, message: InboxMessage, body: dict) -> None:
    """A message that does nothing: to check that two deployments reach each other."""


def receive(token: str) -> InboxMessage:
    """Accept one sealed message or raise Refusal; every outcome is in the audit log."""
    try:
        opened = open_message(token)
        handler = HANDLERS.get(opened.claims["kind"])
        if handler is None:
            raise UNKNOWN_KIND
        with transaction.atomic():
            try:
                with transaction.atomic():
                    message = InboxMessage.objects.create(
                        message_id=opened.claims["id"],
                        peer=opened.peer,
                        kind=opened.claims["kind"],
                        body=json.dumps(opened.claims),
                    )
            except IntegrityError:  # the same id arrived twice at once
                raise REPLAY from None
            handler(opened.peer, message, opened.claims["body"])
            record_event(
                "federation.received",
                obj=message,
                summary={
                    "message_id": opened.claims["id"],
                    "kind": message.kind,
                    "peer": opened.peer.base_url,
                },
            )
    except Refusal as refusal:
        record_event(
            "federation.refused",
            summary={"status": refusal.status, "reason": refusal.reason},
        )
        log.info("Federation message refused: %s", refusal.reason)
        raise
    return message
