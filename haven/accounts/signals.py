"""Receivers for signals that third-party libraries send; they only write the audit log."""

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver

from haven.accounts.models import User
from haven.audit.services import record_event


@receiver(user_locked_out)
def record_lockout(sender, request, username, ip_address, **kwargs):
    # django-axes signals again for every attempt while locked; record only the one that locks.
    failures = (
        AccessAttempt.objects.filter(username=username)
        .values_list("failures_since_start", flat=True)
        .first()
    )
    if failures is not None and failures > settings.AXES_FAILURE_LIMIT:
        return
    user = User.objects.filter(username=username).first()
    # An unknown username is locked out too (so lockouts reveal nothing); it is not recorded by
    # name, because people sometimes type a password into the username field.
    record_event("auth.lockout", actor=user, summary={"known_user": user is not None})
