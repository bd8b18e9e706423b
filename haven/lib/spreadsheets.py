"""Cells that a spreadsheet shows as text, never runs as a formula (CSV and formula injection).

Excel, LibreOffice and Google Sheets run a cell that begins with `=`, `+`, `-` or `@` as a
formula (`=HYPERLINK(...)`, `@SUM(...)`, DDE `-2+3+cmd|...`), and a tab or carriage return in
front can hide such a start. Following OWASP's "CSV Injection" guidance, such a cell is written
with a single quote in front, which spreadsheets show as text. Two kinds of value keep their
sign because they are data, not formulas: a plain number (`-3`, `+84912345678`, `-12.5`), which
every spreadsheet reads as a number and cannot run, so phone numbers in E.164 stay as they are.

`unguard` is the exact inverse of `safe_cell`: an importer calls it on every cell of a CSV or
XLSX file so that an export read back gives the same values. To keep that true, a value that
already begins with a quote followed by something guarded is guarded again (`'=1` is written
`''=1`), so a quote is only ever taken off when `safe_cell` put it there.
"""

import csv
import re

GUARD = "'"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A whole cell that is a number: a spreadsheet reads it as a number, it cannot run anything.
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def needs_guard(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula (or it looks like a guarded one)."""
    # Quotes in front are looked through: `'=1` must be guarded too, or unguard would eat its quote.
    core = text.lstrip(GUARD)
    if core.startswith(FORMULA_START):
        return PLAIN_NUMBER.fullmatch(core) is None
    # Spaces before = or + are dropped by LibreOffice's "trim spaces" import option.
    stripped = core.lstrip(" ")
    if core[:1] == " " and stripped.startswith(("=", "+", "-", "@")):
        return PLAIN_NUMBER.fullmatch(stripped) is None
    return False


# Only a cell beginning with one of these can need a guard (`needs_guard` looks no further).
GUARDED_STARTS = frozenset("=+-@\t\r '")


def safe_cell(value):
    """The value as a spreadsheet should receive it: text that could run gets a quote first."""
    if isinstance(value, str) and value[:1] in GUARDED_STARTS and needs_guard(value):
        return GUARD + value
    return value


def unguard(value):
    """Undo `safe_cell`: a quote in front is taken off only when `safe_cell` put it there."""
    if isinstance(value, str) and value.startswith(GUARD) and needs_guard(value[1:]):
        return value[1:]
    return value


def safe_row(values) -> list:
    return [safe_cell(value) for value in values]


class SafeWriter:
    """`csv.writer` whose every cell goes through `safe_cell`; the same `writerow(s)` calls."""

    def __init__(self, out, **options):
        self.writer = csv.writer(out, **options)

    def writerow(self, row):
        return self.writer.writerow(safe_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)
