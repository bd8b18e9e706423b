"""Notifications through the JSON API: a member's own, never anyone else's."""

from datetime import datetime
from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict

from haven.accounts.api import StaffSessionAuth, TokenAuth
from haven.notifications import services
from haven.notifications.models import Kind

LIMIT = 50

router = Router(tags=["notifications"], auth=[TokenAuth(), StaffSessionAuth()])


class NotificationOut(Schema):
    id: UUID
    kind: str
    text: str
    link: str
    created: datetime
    read: bool


class NotificationsOut(Schema):
    unread: int
    items: list[NotificationOut]


class ReadIn(Schema):
    model_config = ConfigDict(extra="forbid")
    ids: list[UUID] | None = None
    all: bool = False


class ReadOut(Schema):
    marked: int
    unread: int


def _item(notification) -> dict:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "text": str(Kind(notification.kind).label) if notification.kind in Kind.values else "",
        "link": notification.link,
        "created": notification.created,
        "read": notification.read_at is not None,
    }


@router.get(
    "/notifications",
    response=NotificationsOut,
    summary="Your notifications, newest first (the 50 latest; only unread with ?unread=true)",
)
def notification_list(request, unread: bool = False):
    notifications = services.notifications_of(request.auth)
    if unread:
        notifications = notifications.unread()
    return {
        "unread": services.unread_count(request.auth),
        "items": [_item(notification) for notification in notifications[:LIMIT]],
    }


@router.post(
    "/notifications/read",
    response=ReadOut,
    summary='Mark your notifications read: the listed ids, or all with {"all": true}',
)
def mark_read(request, payload: ReadIn):
    user = request.auth
    if payload.all == bool(payload.ids):
        raise HttpError(422, _('Send either a list of ids or "all": true.'))
    ids = None
    if payload.ids:
        ids = set(payload.ids)
        own = set(services.notifications_of(user).filter(pk__in=ids).values_list("pk", flat=True))
        if own != ids:  # another member's, or none: the same answer as for nothing
            raise Http404
    marked = services.mark_read(user, ids)
    return {"marked": marked, "unread": services.unread_count(user)}
