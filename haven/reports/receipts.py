"""Receipts: 16 random digits shown once; only argon2id(receipt, site-wide salt) is stored.

The salt is the same for every receipt, so a receipt finds its report with one indexed query.
The cost below (2 passes over 19 MiB, OWASP's minimum for argon2id) takes about 25 ms here:
cheap for one person, while guessing 16 digits (10^16 receipts) from a stolen database without
the salt, which is not in it, is out of reach; with the salt, a GPU still needs years.
"""

import re
import secrets

from argon2.low_level import Type, hash_secret_raw
from django.conf import settings
from django.utils.translation import gettext as _

TIME_COST = 2
MEMORY_KIB = 19 * 1024
PARALLELISM = 1
DIGITS = 16

# Wrong receipts, pages and API alike: slower after 3 tries, refused after 10 in an hour.
RECEIPT_SCOPE = "receipt"
RECEIPT_LIMITS = {"slow_after": 3, "pause": 30, "refuse_after": 10, "window": 3600}


class BadReceipt(ValueError):
    pass


def new_receipt() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(DIGITS))


def format_receipt(receipt: str) -> str:
    return " ".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))


def normalize_receipt(text: str) -> str:
    digits = re.sub(r"[\s\-.]", "", text or "")
    if len(digits) != DIGITS or not digits.isdigit():
        raise BadReceipt(_("A receipt is 16 digits, like 1234 5678 9012 3456."))
    return digits


def hash_receipt(receipt: str) -> str:
    raw = hash_secret_raw(
        normalize_receipt(receipt).encode(),
        settings.HAVEN_RECEIPT_SALT.encode(),
        time_cost=TIME_COST,
        memory_cost=MEMORY_KIB,
        parallelism=PARALLELISM,
        hash_len=32,
        type=Type.ID,
    )
    return raw.hex()
