"""Values in the HTCDS exchange, by kind of column: written for a file, read back and checked.

`format_cell` and `format_json` write a model value; `Reader.parse` reads a cell or a JSON value
into a model value, or raises `Invalid` with a message that names the rule it breaks.
"""

import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django_countries import countries

from haven.exchange.columns import Column, Kind
from haven.lib import contacts, vocabulary
from haven.lib.spreadsheets import unguard

LANGUAGE = re.compile(r"^[a-z]{2,3}$")
LOCATION = re.compile(r"^([A-Za-z]{2})(?:\s*:\s*(.*))?$", re.S)
MAX_TEXT = 10_000
EMPTY = {
    Kind.MULTI: [],
    Kind.COUNTRIES: [],
    Kind.DATE: None,
    Kind.DATETIME: None,
    Kind.BOOL: None,
    Kind.INT: None,
    Kind.MEMBER: None,
    Kind.ORGANISATION: None,
    Kind.LOCATION: ("", ""),
}


def empty(column: Column):
    value = EMPTY.get(column.kind, "")
    return list(value) if isinstance(value, list) else value


class Invalid(ValueError):
    """A value that cannot be read; the message says which rule it breaks, for people."""


# Reading values --------------------------------------------------------------------------------

_lookups: dict[type, dict[str, str]] = {}


def _fold(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split()).casefold()


def picklist(choices) -> dict[str, str]:
    """{folded system name or English label: system name}."""
    lookup = _lookups.get(choices)
    if lookup is None:
        lookup = {}
        with translation.override("en"):
            for value, label in choices.choices:
                lookup[_fold(str(label))] = value
        for value in choices.values:
            lookup[_fold(value)] = value
        _lookups[choices] = lookup
    return lookup


def allowed_values(choices) -> str:
    values = list(choices.values)
    if len(values) <= 8:
        return ", ".join(values)
    return _("%(first)s … (%(count)d values; labels are accepted too)") % {
        "first": ", ".join(values[:5]),
        "count": len(values),
    }


def _unknown(value: str, choices) -> Invalid:
    return Invalid(
        _("“%(value)s” is not an allowed value; use one of %(allowed)s")
        % {"value": value[:60], "allowed": allowed_values(choices)}
    )


def _multi(raw, choices) -> list[str]:
    """`;`-separated codes or labels; a label may hold `;` itself (ISIC sections do)."""
    parts = raw if isinstance(raw, list) else str(raw).split(";")
    parts = [str(part).strip() for part in parts]
    lookup = picklist(choices) if choices is not None else None
    values, start = [], 0
    while start < len(parts):
        if not parts[start]:
            start += 1
            continue
        found = None
        if lookup is None:
            found, end = parts[start], start + 1
        else:
            for end in range(len(parts), start, -1):
                found = lookup.get(_fold("; ".join(parts[start:end])))
                if found:
                    break
        if not found:
            raise _unknown(parts[start], choices)
        if found not in values:
            values.append(found)
        start = end
    return values


def _country(value: str) -> str:
    code = value.strip().upper()
    if not countries.alpha2(code) or len(code) != 2:
        raise Invalid(
            _("“%(value)s” is not an ISO 3166 country code (two letters, like VN)")
            % {"value": value[:20]}
        )
    return code


def _date(value) -> date:
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise Invalid(_("is not a date: write YYYY-MM-DD or DD/MM/YYYY"))


def _datetime(value) -> datetime:
    parsed = parse_datetime(str(value).strip()) if not isinstance(value, datetime) else value
    if parsed is None:
        raise Invalid(_("is not a date and time in ISO 8601 (like 2024-05-01T09:30:00+07:00)"))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise Invalid(_("is not a yes/no value: write TRUE or FALSE"))


def _int(value, limit) -> int:
    # JSON's true is not 1, and 2.5 children is not 2 (nor is Infinity a crash).
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise Invalid(_("is not a whole number"))
    try:
        number = value if isinstance(value, int) else int(value)
    except (TypeError, ValueError):
        raise Invalid(_("is not a whole number")) from None
    if not 0 <= number <= (limit or 32767):
        raise Invalid(_("must be between 0 and %(limit)d") % {"limit": limit or 32767})
    return number


def _coordinate(value, bound: int) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not -bound <= number <= bound:
        raise Invalid(_("is not a number between -%(bound)d and %(bound)d") % {"bound": bound})
    return str(value).strip()


class Reader:
    """Reads values for one importing organisation (whose members may own the cases)."""

    def __init__(self, organisation, *, members: dict, organisations: dict):
        self.organisation = organisation
        self.members = members  # username → user
        self.organisations = organisations  # name → Organisation

    def parse(self, column: Column, raw, *, spreadsheet: bool = True):
        """The model value of a raw cell or JSON value; `Invalid` when it breaks a rule.

        A spreadsheet cell first loses the quote `haven.lib.spreadsheets.safe_cell` put in front
        of anything a spreadsheet could run as a formula; JSON values are taken as they are.
        """
        if isinstance(raw, str):
            if "\x00" in raw:
                raise Invalid(_("must not contain the NUL character"))
            if spreadsheet:
                raw = unguard(raw)
        elif isinstance(raw, list) and any("\x00" in str(item) for item in raw):
            raise Invalid(_("must not contain the NUL character"))
        if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
            return empty(column)
        kind = column.kind
        if kind in (Kind.MULTI, Kind.COUNTRIES):
            if not isinstance(raw, (str, list)):
                raise Invalid(_("must be text or a list"))
            if kind == Kind.MULTI:
                return _multi(raw, column.choices)
            return list(dict.fromkeys(_country(code) for code in _multi(raw, None)))
        if kind == Kind.BOOL:
            return _bool(raw)
        if kind == Kind.INT:
            return _int(raw, column.limit)
        number = isinstance(raw, (int, float)) and not isinstance(raw, bool)
        coordinate = kind in (Kind.LATITUDE, Kind.LONGITUDE) and number
        wrong = isinstance(raw, (dict, list, bool)) or (
            kind != Kind.TEXT and not isinstance(raw, str)
        )
        if wrong and not coordinate:
            raise Invalid(_("must be text"))
        text = str(raw).strip()
        if kind == Kind.TEXT:
            if len(text) > (column.limit or MAX_TEXT):
                raise Invalid(
                    _("is longer than %(limit)d characters") % {"limit": column.limit or MAX_TEXT}
                )
            return text
        if kind == Kind.CHOICE:
            found = picklist(column.choices).get(_fold(text))
            if found is None:
                raise _unknown(text, column.choices)
            return found
        if kind == Kind.DATE:
            return _date(text)
        if kind == Kind.DATETIME:
            return _datetime(text)
        if kind == Kind.COUNTRY:
            return _country(text)
        if kind == Kind.PHONE:
            try:
                return contacts.normalize_phone(text)
            except ValidationError:
                raise Invalid(
                    _("is not a phone number: %(hint)s") % {"hint": contacts.PHONE_HINT}
                ) from None
        if kind == Kind.EMAIL:
            try:
                return contacts.normalize_email(text)
            except ValidationError:
                raise Invalid(_("is not a valid e-mail address")) from None
        if kind == Kind.LANGUAGE:
            # As the form reads it: a known code or name becomes Haven's three-letter code
            # ("vi", "Tiếng Việt" -> "vie"); another well-formed ISO 639 code is kept as it is.
            known = vocabulary.spoken_language_code(text)
            if known is None and not LANGUAGE.match(text.lower()):
                raise Invalid(
                    _("“%(value)s” is not an ISO 639 language code (two or three letters)")
                    % {"value": text[:20]}
                )
            return known or text.lower()
        if kind == Kind.LATITUDE:
            return _coordinate(text, 90)
        if kind == Kind.LONGITUDE:
            return _coordinate(text, 180)
        if kind == Kind.LOCATION:
            return self._location(text, column.limit)
        if kind == Kind.MEMBER:
            user = self.members.get(text)
            if user is None:
                raise Invalid(
                    _("“%(value)s” is not a user of %(organisation)s")
                    % {"value": text[:60], "organisation": self.organisation}
                )
            return user
        if kind == Kind.ORGANISATION:
            found = self.organisations.get(text.casefold())
            if found is None:
                raise Invalid(
                    _("“%(value)s” is not the name of an organisation in Haven")
                    % {"value": text[:60]}
                )
            return found
        raise AssertionError(kind)  # pragma: no cover

    @staticmethod
    def _location(text: str, limit) -> tuple[str, str]:
        """ "CC", "CC: place", or a place alone; a two-letter start must be a country."""
        match = LOCATION.match(text)
        if match is None:
            country, place = "", text
        else:
            country, place = _country(match.group(1)), (match.group(2) or "").strip()
        if len(place) > limit:
            raise Invalid(_("is longer than %(limit)d characters") % {"limit": limit})
        return country, place


# Writing values --------------------------------------------------------------------------------


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _location_cell(value) -> str:
    return format_location(*value)


def _plain(value) -> str:
    return str(value)


CELL_WRITERS = {
    Kind.TEXT: str,
    Kind.MULTI: ";".join,
    Kind.COUNTRIES: ";".join,
    Kind.BOOL: lambda value: "TRUE" if value else "FALSE",
    Kind.DATE: _iso,
    Kind.DATETIME: _iso,
    Kind.LOCATION: _location_cell,
}


def cell_writer(kind: Kind):
    """The function that writes a (non-None) model value of this kind into a spreadsheet cell."""
    return CELL_WRITERS.get(kind, _plain)


def format_cell(column: Column, value) -> str:
    """The spreadsheet text of a model value, before `haven.lib.spreadsheets.safe_cell`.

    Every writer of a file (CSV through `SafeWriter`, XLSX through `safe_row`) guards each cell
    once, whatever its kind: an e-mail or phone typed as `=HYPERLINK(...)` is guarded too.
    """
    return "" if value is None else cell_writer(column.kind)(value)


def format_location(country, place: str) -> str:
    country = str(country or "")
    if country and place:
        return f"{country}: {place}"
    return country or place


def _same(value):
    return value


def _iso_or_none(value):
    return value.isoformat() if hasattr(value, "isoformat") else value or None


JSON_WRITERS = {
    Kind.TEXT: _same,
    Kind.MULTI: _same,
    Kind.COUNTRIES: _same,
    Kind.BOOL: _same,
    Kind.INT: _same,
    Kind.DATE: _iso_or_none,
    Kind.DATETIME: _iso_or_none,
    Kind.LOCATION: lambda value: format_location(*value),
}


def json_writer(kind: Kind):
    """The function that writes a (non-None) model value of this kind as a JSON value."""
    return JSON_WRITERS.get(kind, _plain)


def format_json(column: Column, value):
    """The JSON value of a model value: dates as ISO text, lists as lists, text untouched."""
    return None if value is None else json_writer(column.kind)(value)
