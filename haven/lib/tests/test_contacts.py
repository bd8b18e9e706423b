"""One rule for phone numbers and e-mail addresses: national formats read, E.164 kept."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from haven.lib.contacts import normalize_email, normalize_phone


@pytest.mark.parametrize(
    "text, stored",
    [
        ("0912 345 678", "+84912345678"),
        ("0912-345-678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("+84912345678", "+84912345678"),
        ("(024) 3826 4789", "+842438264789"),
        ("+66 81 234 5678", "+66812345678"),
        ("84 912 345 678", "+84912345678"),  # E.164 without its +, as HTCDS allows
        ("(84) 90.123.4567", "+84901234567"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_a_number_is_read_as_people_write_it_and_kept_in_e164(text, stored):
    assert normalize_phone(text) == stored


def test_a_national_number_belongs_to_the_deployment_region(settings):
    settings.HAVEN_PHONE_REGION = "TH"
    assert normalize_phone("081 234 5678") == "+66812345678"
    assert normalize_phone("0912 345 678", region="VN") == "+84912345678"


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","Call")',
        "@SUM(1,2)",
        "call me",
        "12",
        "0912 345",
        "0912 345 678 ext 2",
        "+84 912 345 678 999 999",
        "9" * 60,
    ],
)
def test_what_is_not_a_phone_number_is_refused_with_a_message_for_people(text):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        normalize_phone(text)
    with translation.override("en"):
        messages = error.value.messages
    assert messages == [
        "Not a phone number: write it as 0912 345 678 or, with the country code, as "
        "+84 912 345 678."
    ]


@pytest.mark.parametrize("text", ["lan@example.org", "  lan.tran+work@example.com.vn "])
def test_an_email_address_is_kept_trimmed(text):
    assert normalize_email(text) == text.strip()


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://evil.example")', "lan@", "lan at example.org", "@example.org"]
)
def test_what_is_not_an_email_address_is_refused(text):
    with pytest.raises(ValidationError):
        normalize_email(text)
