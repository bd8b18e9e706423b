"""Receivers for signals that third-party libraries send; they only write the audit log."""

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver

from haven.accounts.models import User
from haven.accounts.throttle import username_digest
from haven.audit.services import record_event


def username_for_lockout(request, credentials) -> str:
    """What django-axes stores and locks by: an HMAC of the username typed, never the text."""
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    return username_digest(typed)


@receiver(user_locked_out)
def record_lockout(sender, request, username, ip_address, **kwargs):
    # django-axes signals again for every attempt while locked; record only the one that locks.
    failures = (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        .values_list("failures_since_start", flat=True)
        .first()
    )
    if failures is not None and failures > settings.AXES_FAILURE_LIMIT:
        return
    # A wrong second-factor code names its user on the request; a wrong password, in the form.
    user = getattr(request, "haven_lockout_user", None)
    if user is None and request is not None:
        user = User.objects.filter(username=request.POST.get("username", "").strip()).first()
    # An unknown username is locked out too (so lockouts reveal nothing); it is not recorded by
    # name, because people sometimes type a password into the username field.
    record_event("auth.lockout", actor=user, summary={"known_user": user is not None})
