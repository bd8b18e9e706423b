"""Checks on raw input before anything parses or stores it: NUL characters and JSON nesting.

PostgreSQL text cannot hold NUL (psycopg raises, the request fails with 500), and Python's json
module recurses once per level of nesting (50,000 `[` raise RecursionError). Both are refused
up front, for every endpoint, by `haven.middleware.request_limits_middleware`.
"""

import re

MAX_JSON_DEPTH = 64
# A JSON string, escapes included (the "unrolled loop" form, linear time).
JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
BRACKETS = re.compile(rb"[\[\]{}]")
# \u0000 preceded by an even number of backslashes (an odd number escapes the backslash itself).
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def json_depth(data: bytes, stop_after: int = MAX_JSON_DEPTH) -> int:
    """How deeply the JSON text nests arrays and objects (stops counting past `stop_after`)."""
    depth = deepest = 0
    for match in BRACKETS.finditer(JSON_STRING.sub(b'""', data)):
        if match.group() in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_after:
                    break
        else:
            depth -= 1
    return deepest


def json_has_nul(data: bytes) -> bool:
    """Whether the JSON text holds a NUL, raw or escaped as \\u0000."""
    return b"\x00" in data or JSON_NUL.search(data) is not None


def looks_like_json(data: bytes) -> bool:
    return data.lstrip()[:1] in (b"[", b"{")


def field_with_nul(query) -> str | None:
    """The first parameter of a QueryDict whose name or a value holds a NUL."""
    for name, values in query.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", "")
    return None
