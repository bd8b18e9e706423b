"""A logging filter that removes IP addresses from every log line."""

import ipaddress
import logging
import re

IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
# Anything made of hex digits, colons and dots with two colons or more may be an IPv6 address;
# the ipaddress module decides, so times like 12:30 are left alone.
IPV6_CANDIDATE = re.compile(r"[0-9A-Fa-f:.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*")
REDACTED = "[address removed]"


def _redact_ipv6(match: re.Match) -> str:
    candidate = match.group(0).strip(".")
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return match.group(0)
    return REDACTED


def scrub(text: str) -> str:
    return IPV4.sub(REDACTED, IPV6_CANDIDATE.sub(_redact_ipv6, text))


class ScrubClientDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        # Django attaches the request to some records; handlers must not get at its headers.
        if hasattr(record, "request"):
            record.request = None
        return True
