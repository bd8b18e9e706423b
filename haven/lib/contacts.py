"""One rule for a person's phone numbers and e-mail address, for the forms, the API and imports.

A phone number may be written as people write it at home ("0912 345 678", read as a number of
HAVEN_PHONE_REGION) or with its country code ("+84 912 345 678"); it is kept in E.164
("+84912345678"), as HTCDS asks. An e-mail address is checked by Django's validator. Anything
else, a spreadsheet formula (`=HYPERLINK(...)`) included, is refused with a message for people.
"""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# A number is never longer than this, however it is spaced (E.164 has at most 15 digits).
MAX_PHONE_LENGTH = 40
_email = EmailValidator(message=_("Enter an e-mail address such as name@example.org."))


PHONE_HINT = pgettext_lazy(
    "phone number rule",
    "write it as 0912 345 678 or, with the country code, as +84 912 345 678",
)


def _invalid_phone() -> ValidationError:
    return ValidationError(
        _("Not a phone number: %(hint)s."), params={"hint": PHONE_HINT}, code="phone"
    )


def _parse(text: str, region: str):
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    # E.164 has no extensions: a number with one would lose it silently.
    return number if phonenumbers.is_valid_number(number) and not number.extension else None


def normalize_phone(text: str, region: str | None = None) -> str:
    """The number in E.164, or "" for nothing; ValidationError if it is not a phone number.

    Digits alone that are no number of the region are tried as E.164 without its "+", which
    HTCDS allows (`84912345678`).
    """
    text = (text or "").strip()
    if not text:
        return ""
    if len(text) > MAX_PHONE_LENGTH or text.startswith(("=", "@")):
        raise _invalid_phone()
    number = _parse(text, (region or settings.HAVEN_PHONE_REGION).upper())
    digits = "".join(character for character in text if character.isdigit())
    if number is None and not text.startswith("+") and len(digits) > 9:
        number = _parse("+" + digits, "ZZ")
    if number is None:
        raise _invalid_phone()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(text: str) -> str:
    """The address, trimmed, or "" for nothing; ValidationError if it is not an address."""
    text = (text or "").strip()
    if not text:
        return ""
    _email(text)
    return text
