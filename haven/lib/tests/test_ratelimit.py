from types import SimpleNamespace

import pytest
from django.core.cache import cache

from haven.lib.ratelimit import begin_attempt, client_key, forgive, hit


def request(key="visitor"):
    return SimpleNamespace(client_key=key)


def test_the_key_hides_the_address_and_is_stable_for_the_day():
    key = client_key("203.0.113.9")
    assert key == client_key("203.0.113.9") and "203" not in key and len(key) == 32
    assert key != client_key("203.0.113.10")


def test_an_ipv6_visitor_is_one_visitor_across_its_64():
    assert client_key("2001:db8:1:2::1") == client_key("2001:db8:1:2:ffff::9")
    assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:3::1")


def test_a_new_daily_key_unlinks_yesterdays_counters():
    before = client_key("198.51.100.1")
    cache.clear()  # what a new day (or a restart of the cache) does
    assert client_key("198.51.100.1") != before


def test_hits_are_limited_per_window():
    assert [hit(request(), "t", 2, 60).allowed for _ in range(3)] == [True, True, False]
    assert hit(request("other"), "t", 2, 60).allowed


LIMITS = {"slow_after": 2, "pause": 0, "refuse_after": 4, "window": 60}


def test_attempts_are_counted_before_they_are_checked():
    verdicts = [begin_attempt(request(), "r", **LIMITS).allowed for _ in range(6)]
    assert verdicts == [True, True, True, True, False, False]


def test_forgiving_a_success_takes_back_only_its_own_count():
    for _ in range(3):
        begin_attempt(request(), "r", **LIMITS)
    forgive(request(), "r")  # the third was right
    assert begin_attempt(request(), "r", **LIMITS).allowed  # 3rd counted attempt
    assert begin_attempt(request(), "r", **LIMITS).allowed  # 4th
    assert not begin_attempt(request(), "r", **LIMITS).allowed


@pytest.mark.parametrize("pause", [30])
def test_after_a_few_failures_one_try_per_pause(pause):
    limits = {**LIMITS, "pause": pause}
    assert begin_attempt(request(), "p", **limits).allowed
    assert begin_attempt(request(), "p", **limits).allowed
    verdict = begin_attempt(request(), "p", **limits)
    assert not verdict.allowed and 0 < verdict.retry_after <= pause
