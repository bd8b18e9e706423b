"""Slow down guessing one account's password from many clients, without locking its owner out.

django-axes locks a username only together with the client key, so a stranger cannot lock a
member out. This counts failures by username alone: after AXES_FAILURE_LIMIT of them, each
further attempt on that username, from anywhere, must wait 1, 2, 4, ... seconds (at most
MAX_WAIT) after the last failure. Counters live in the shared cache and fade after the lockout
period without failures.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

MAX_WAIT = 60


def username_digest(typed: str) -> str:
    """An HMAC of the username typed, never the text (people type passwords there)."""
    return salted_hmac("haven.axes-username", typed.strip().lower()).hexdigest()[:40]


def _name(typed: str) -> str:
    return f"haven:signin-failures:{username_digest(typed)}"


def wait_seconds(typed: str) -> int:
    """How long an attempt on this username must still wait; 0 when it may go ahead."""
    failures, last = cache.get(_name(typed), (0, 0.0))
    if failures < settings.AXES_FAILURE_LIMIT:
        return 0
    wait = min(2 ** (failures - settings.AXES_FAILURE_LIMIT), MAX_WAIT)
    return max(0, math.ceil(last + wait - time.time()))


def count_failure(typed: str) -> None:
    name = _name(typed)
    failures, _last = cache.get(name, (0, 0.0))
    cache.set(name, (failures + 1, time.time()), timeout=settings.AXES_COOLOFF_TIME.total_seconds())


def clear(typed: str) -> None:
    cache.delete(_name(typed))
