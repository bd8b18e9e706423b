"""Rate limits for the public that keep no address: counters keyed by an HMAC of the address.

The HMAC key is random, changes every day, and lives only in the cache, so neither the database
nor the logs can link a counter to an address, and yesterday's counters cannot be linked to
today's. With several web processes the cache must be shared (HAVEN_CACHE_URL).
"""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

DAY = 24 * 60 * 60


def _daily_key() -> bytes:
    name = f"haven:client-key:{timezone.now().date().isoformat()}"
    key = cache.get(name)
    if key is None:
        cache.add(name, secrets.token_bytes(32), timeout=2 * DAY)
        key = cache.get(name)
    return key


def client_key(address: str) -> str:
    """A name for today's visitor from this address; unrelated to it tomorrow."""
    return hmac.new(_daily_key(), address.encode(), hashlib.sha256).hexdigest()[:32]


@dataclass
class Verdict:
    allowed: bool
    retry_after: int = 0


def hit(request, scope: str, limit: int, window: int) -> Verdict:
    """Count one request in a fixed window; refuse once the window holds `limit` of them."""
    now = int(time.time())
    start = now - now % window
    name = f"haven:rate:{scope}:{getattr(request, 'client_key', '')}:{start}"
    cache.add(name, 0, timeout=window + 5)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=window + 5)
        count = 1
    if count > limit:
        return Verdict(False, start + window - now)
    return Verdict(True)


def count_failure(request, scope: str, window: int) -> int:
    name = f"haven:fail:{scope}:{getattr(request, 'client_key', '')}"
    cache.add(name, 0, timeout=window)
    try:
        failures = cache.incr(name)
    except ValueError:
        cache.add(name, 1, timeout=window)
        failures = 1
    cache.set(f"{name}:last", int(time.time()), timeout=window)
    return failures


def failure_verdict(
    request, scope: str, *, slow_after: int, pause: int, refuse_after: int, window: int
) -> Verdict:
    """After a few failures, one try per `pause` seconds; after many, none for the window."""
    name = f"haven:fail:{scope}:{getattr(request, 'client_key', '')}"
    failures = cache.get(name, 0)
    if failures >= refuse_after:
        return Verdict(False, window)
    if failures >= slow_after:
        waited = int(time.time()) - cache.get(f"{name}:last", 0)
        if waited < pause:
            return Verdict(False, pause - waited)
    return Verdict(True)


def clear_failures(request, scope: str) -> None:
    name = f"haven:fail:{scope}:{getattr(request, 'client_key', '')}"
    cache.delete_many([name, f"{name}:last"])
