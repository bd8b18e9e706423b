"""Rate limits for the public that keep no address: counters keyed by an HMAC of the address.

The HMAC key is random, changes every day, and lives only in the cache, so neither the database
nor the logs can link a counter to an address, and yesterday's counters cannot be linked to
today's. With several web processes the cache must be shared (HAVEN_CACHE_URL).
"""

import contextlib
import hashlib
import hmac
import ipaddress
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
    """A name for today's visitor from this address; unrelated to it tomorrow.

    An IPv6 visitor usually holds a whole /64 and can change address at will inside it, so the
    /64 is what counts.
    """
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        parsed = None
    if parsed is not None and parsed.version == 6 and parsed.ipv4_mapped is None:
        address = str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return hmac.new(_daily_key(), address.encode(), hashlib.sha256).hexdigest()[:32]


class RateLimited(Exception):
    """Raised by an API endpoint; the API answers 429 with this message and `Retry-After`."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


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


def _failure_name(request, scope: str) -> str:
    return f"haven:fail:{scope}:{getattr(request, 'client_key', '')}"


def begin_attempt(
    request, scope: str, *, slow_after: int, pause: int, refuse_after: int, window: int
) -> Verdict:
    """Count an attempt before checking it, so parallel tries cannot slip past the limit.

    After `slow_after` failures, one try per `pause` seconds; after `refuse_after`, none until
    the window ends. A success hands its count back (`forgive`) but never clears the others:
    knowing one right answer must not reset the counter for guesses in between.
    """
    name = _failure_name(request, scope)
    cache.add(name, 0, timeout=window)
    try:
        failures = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=window)
        failures = 1
    now = int(time.time())
    if failures > refuse_after:
        return Verdict(False, window)
    last = cache.get(f"{name}:last", 0)
    if failures > slow_after and now - last < pause:
        return Verdict(False, pause - (now - last))
    cache.set(f"{name}:last", now, timeout=window)
    return Verdict(True)


def forgive(request, scope: str) -> None:
    """The attempt succeeded: take back the count `begin_attempt` added for it."""
    with contextlib.suppress(ValueError):  # the counter expired meanwhile: nothing to give back
        cache.decr(_failure_name(request, scope))
