"""Telling staff that something waits for them: `notify()` for the apps above, the periodic
jobs' work (overdue tasks, the daily digest), and marking as read.

This app sits below reports and cases: they call `notify()`; it never imports them. A
notification holds a kind, an object id and a link path, never a name or a word of content.
"""

import logging
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from haven.accounts.models import Organisation, User
from haven.accounts.roles import CAPABILITIES, Capability
from haven.notifications.models import DigestSubscription, Kind, Notification

log = logging.getLogger(__name__)

_LANGUAGE_PREFIX = re.compile(r"^/[a-z]{2,3}(?:-[a-z0-9]+)?(?=/)", re.IGNORECASE)


def _bare_path(link: str) -> str:
    """A site path without its language prefix, so each reader opens it in their own language."""
    if not link.startswith("/") or link.startswith("//") or "\\" in link:
        raise ValueError("A notification links to a path of this site.")
    match = _LANGUAGE_PREFIX.match(link)
    codes = {code.lower() for code, _name in settings.LANGUAGES}
    if match and match.group(0)[1:].lower() in codes:
        return link[match.end() :]
    return link


def _recipients(users_or_org, capability: Capability | None) -> list[User]:
    if isinstance(users_or_org, Organisation):
        roles = [
            role
            for role, capabilities in CAPABILITIES.items()
            if capability is None or capability in capabilities
        ]
        return list(User.objects.filter(organisation=users_or_org, role__in=roles, is_active=True))
    if isinstance(users_or_org, User):
        users_or_org = [users_or_org]
    return [user for user in users_or_org if user is not None and user.is_active]


def notify(
    users_or_org: User | Organisation | Iterable[User],
    kind: str,
    link: str = "",
    *,
    obj=None,
    capability: Capability | None = None,
    exclude: User | None = None,
) -> int:
    """Tell one member, several, or an organisation's members (those holding `capability`).

    `obj`: the report, case, task or referral it is about (only its type and id are kept).
    `exclude`: the member who did it, who needs no news of their own act. Returns how many.
    """
    if kind not in Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}")
    path = _bare_path(link) if link else ""
    object_type = obj._meta.model_name if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    users = {
        user.pk: user
        for user in _recipients(users_or_org, capability)
        if exclude is None or user.pk != exclude.pk
    }
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient_id=pk,
            kind=kind,
            object_type=object_type,
            object_id=object_id,
            link=path,
            created=now,
        )
        for pk in users
    )
    return len(users)


def notifications_of(user):
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    return notifications_of(user).unread().count()


def mark_read(user, ids=None) -> int:
    """Mark the user's own notifications read (all of them without `ids`); others' are untouched."""
    notifications = notifications_of(user).unread()
    if ids is not None:
        notifications = notifications.filter(pk__in=ids)
    return notifications.update(read_at=timezone.now())


def set_digest(user, enabled: bool) -> DigestSubscription:
    subscription, _created = DigestSubscription.objects.update_or_create(
        user=user, defaults={"enabled": enabled}
    )
    return subscription


def digest_enabled(user) -> bool:
    return DigestSubscription.objects.filter(user=user, enabled=True).exists()


def _digest_mail(count: int):
    url = f"{settings.HAVEN_SITE_URL}/{settings.LANGUAGE_CODE}/staff/notifications/"
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Things wait for you in Haven")
        body = ngettext(
            "%(count)d thing waits for you in Haven. Sign in to see it:\n%(url)s\n",
            "%(count)d things wait for you in Haven. Sign in to see them:\n%(url)s\n",
            count,
        ) % {"count": count, "url": url}
    return subject, body


def send_digests(now=None) -> int:
    """E-mail each subscriber how many unread notifications wait: a number, never what."""
    now = now or timezone.now()
    subscriptions = (
        DigestSubscription.objects.filter(enabled=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .annotate(waiting=Count("user__notifications", filter=Q(user__notifications__read_at=None)))
    )
    mails, sent_to = [], []
    for subscription in subscriptions:
        if not subscription.waiting:
            continue
        subject, body = _digest_mail(subscription.waiting)
        mails.append((subject, body, settings.DEFAULT_FROM_EMAIL, [subscription.user.email]))
        sent_to.append(subscription.pk)
    if not mails:
        return 0
    # A failure raises: the job retries; its log names no address.
    sent = send_mass_mail(mails, fail_silently=False)
    with transaction.atomic():
        DigestSubscription.objects.filter(pk__in=sent_to).update(last_sent_at=now)
    log.info("Notification digests sent: %d", sent)
    return sent
