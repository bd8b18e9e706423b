import logging

from haven.lib.logs import ScrubClientDataFilter, scrub


def test_it_removes_ipv4_and_ipv6_addresses():
    text = "from 203.0.113.7 and 2001:db8::1 and ::ffff:10.0.0.1 at 12:30"
    cleaned = scrub(text)
    assert (
        "203.0.113.7" not in cleaned and "2001:db8::1" not in cleaned and "10.0.0.1" not in cleaned
    )
    assert "12:30" in cleaned


def test_the_filter_rewrites_records_and_drops_the_request():
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "client %s failed", ("198.51.100.4",), None
    )
    record.request = object()
    assert ScrubClientDataFilter().filter(record) is True
    assert record.getMessage() == "client [address removed] failed"
    assert record.request is None
