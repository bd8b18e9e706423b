"""Encryption at rest: AES-256-GCM under HAVEN_ENCRYPTION_KEYS, and model fields that use it."""

import base64
import binascii
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldError
from django.db import models, transaction

BINARY_PREFIX = b"HV1"
TEXT_PREFIX = "hv1"
NONCE_SIZE = 12
TAG_SIZE = 16
KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,16}")
TOKEN = re.compile(rf"{TEXT_PREFIX}:({KEY_ID.pattern}):([A-Za-z0-9_-]+)")
BASE64_URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
UNUSED_BITS = {2: 0b1111, 3: 0b11}

# Keyed by the key bytes too: tests and rotations can give an old id a different key.
_ciphers: dict[tuple[str, bytes], AESGCM] = {}


class DecryptionError(Exception):
    """A stored value cannot be decrypted: unknown key id, malformed, or altered."""


def _cipher(key_id: str, key: bytes) -> AESGCM:
    cipher = _ciphers.get((key_id, key))
    if cipher is None:
        cipher = _ciphers[(key_id, key)] = AESGCM(key)
    return cipher


# The configured keys as {id: cipher}, rebuilt whenever the setting is a different object.
_keyring: tuple[object, dict[str, AESGCM]] = (None, {})


def _cipher_for(key_id: str) -> AESGCM:
    global _keyring
    keys = settings.HAVEN_ENCRYPTION_KEYS
    if _keyring[0] is not keys:
        ring: dict[str, AESGCM] = {}
        for candidate, key in keys:
            ring.setdefault(candidate, _cipher(candidate, key))  # the first of an id wins
        _keyring = (keys, ring)
    cipher = _keyring[1].get(key_id)
    if cipher is None:
        raise DecryptionError(f"No encryption key with id {key_id!r} is configured.")
    return cipher


def current_key_id() -> str:
    """The id of the first key: it encrypts, while every configured key decrypts."""
    return settings.HAVEN_ENCRYPTION_KEYS[0][0]


def _seal(data: bytes, associated_data: bytes) -> tuple[str, bytes]:
    """Encrypt under the current key; return its id and nonce||ciphertext||tag."""
    key_id, key = settings.HAVEN_ENCRYPTION_KEYS[0]
    nonce = os.urandom(NONCE_SIZE)  # fresh for every value: GCM breaks if a nonce repeats
    return key_id, nonce + _cipher(key_id, key).encrypt(nonce, data, associated_data)


def _open(key_id: str, sealed: bytes, associated_data: bytes) -> bytes:
    if len(sealed) < NONCE_SIZE + TAG_SIZE:
        raise DecryptionError("Encrypted value is too short.")
    cipher = _cipher_for(key_id)
    try:
        return cipher.decrypt(sealed[:NONCE_SIZE], sealed[NONCE_SIZE:], associated_data)
    except InvalidTag:
        raise DecryptionError(
            "Encrypted value was altered, or its associated data differs."
        ) from None


def _split_bytes(blob: bytes) -> tuple[str, bytes]:
    blob = bytes(blob)  # PostgreSQL hands over memoryviews
    if not blob.startswith(BINARY_PREFIX) or len(blob) < len(BINARY_PREFIX) + 1:
        raise DecryptionError("Not an encrypted value.")
    start = len(BINARY_PREFIX) + 1
    end = start + blob[len(BINARY_PREFIX)]
    key_id = blob[start:end].decode("ascii", errors="replace")
    if not KEY_ID.fullmatch(key_id):
        raise DecryptionError("Encrypted value has a malformed key id.")
    return key_id, blob[end:]


def _split_text(token: str) -> tuple[str, bytes]:
    match = TOKEN.fullmatch(token)
    if match is None:
        raise DecryptionError("Not an encrypted value.")
    encoded = match.group(2)
    # Only the canonical spelling: a changed last character must not decode to the same bytes.
    # Without padding, the last character of 2 or 3 leftover ones carries 4 or 2 unused bits,
    # which must be zero (the same test as re-encoding, without the cost of re-encoding).
    leftover = len(encoded) % 4
    if leftover == 1 or (leftover and BASE64_URL.index(encoded[-1]) & UNUSED_BITS[leftover]):
        raise DecryptionError("Encrypted value is not valid base64.")
    try:
        sealed = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("Encrypted value is not valid base64.") from None
    return match.group(1), sealed


def encrypt_bytes(data: bytes, associated_data: bytes = b"") -> bytes:
    key_id, sealed = _seal(data, associated_data)
    return BINARY_PREFIX + bytes([len(key_id)]) + key_id.encode("ascii") + sealed


def decrypt_bytes(blob: bytes, associated_data: bytes = b"") -> bytes:
    key_id, sealed = _split_bytes(blob)
    return _open(key_id, sealed, associated_data)


def encrypt_text(text: str, associated_data: bytes = b"") -> str:
    key_id, sealed = _seal(text.encode("utf-8"), associated_data)
    encoded = base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")
    return f"{TEXT_PREFIX}:{key_id}:{encoded}"


def decrypt_text(token: str, associated_data: bytes = b"") -> str:
    key_id, sealed = _split_text(token)
    try:
        return _open(key_id, sealed, associated_data).decode("utf-8")
    except UnicodeDecodeError:
        raise DecryptionError("Encrypted value is not text.") from None


_TEXT_HEAD = TEXT_PREFIX + ":"
_KEY_ID_CHARS = frozenset(BASE64_URL)  # the same set of characters as KEY_ID's
_URLSAFE = BASE64_URL.encode("ascii")
_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
_BITS = {character: value for value, character in enumerate(BASE64_URL)}


def _split_fast(token: str, prefix: str) -> tuple[str, bytes]:
    """`_split_text` without a regular expression: the same tokens accepted, the same refused.

    `prefix` is the `hv1:<key id>:` of the previous token of the batch: a token that starts
    with it needs no second look at its key id."""
    if prefix and token.startswith(prefix):
        start = len(prefix)
    else:
        end = token.find(":", len(_TEXT_HEAD))
        key_id = token[len(_TEXT_HEAD) : end]
        if (
            not token.startswith(_TEXT_HEAD)
            or end < 0
            or not 0 < len(key_id) <= 16
            or not _KEY_ID_CHARS.issuperset(key_id)
        ):
            raise DecryptionError("Not an encrypted value.")
        start = end + 1
    try:
        encoded = token[start:].encode("ascii")
    except UnicodeEncodeError:
        raise DecryptionError("Not an encrypted value.") from None
    # Deleting every character of the alphabet leaves nothing of a well-formed token.
    if not encoded or encoded.translate(None, _URLSAFE):
        raise DecryptionError("Not an encrypted value.")
    leftover = len(encoded) % 4
    if leftover == 1 or (leftover and _BITS[chr(encoded[-1])] & UNUSED_BITS[leftover]):
        raise DecryptionError("Encrypted value is not valid base64.")
    sealed = binascii.a2b_base64(encoded.translate(_TO_STANDARD) + b"=" * (-leftover % 4))
    return token[:start], sealed


_STANDARD = bytes(range(256)).translate(_TO_STANDARD)  # "-" and "_" as "+" and "/"
_STANDARD_BITS = {_STANDARD[ord(character)]: value for character, value in _BITS.items()}
_PADDING = (b"", None, b"==", b"=")
_SEPARATOR = ","  # neither in a token's base64 nor in its head
_BODY_OR_SEPARATOR = _URLSAFE + _SEPARATOR.encode()


def decrypt_texts(tokens, associated_data: bytes = b"") -> list:
    """`decrypt_text` of many tokens of one column (None stays None), for bulk reads.

    A column is nearly always under one key: when every token starts with the first one's
    `hv1:<key id>:`, the bodies are joined and checked (ASCII, only base64url characters) and
    turned into standard base64 by three calls for the whole column, and each token costs one
    base64 decoding and one AES-GCM decryption with the key's cipher. Anything else (several
    keys, a refused token) goes a token at a time through `_decrypt_each`, which accepts and
    refuses exactly what `decrypt_text` does and raises its error."""
    present = [token for token in tokens if token is not None]
    if not present:
        return list(tokens)
    first = present[0]
    end = first.find(":", len(_TEXT_HEAD))
    head = first[: end + 1]
    key_id = head[len(_TEXT_HEAD) : -1]
    if (
        end < 0
        or not first.startswith(_TEXT_HEAD)
        or not 0 < len(key_id) <= 16
        or not _KEY_ID_CHARS.issuperset(key_id)
        or not all(token.startswith(head) for token in present)
    ):
        return _decrypt_each(tokens, associated_data)
    start = len(head)
    joined = _SEPARATOR.join([token[start:] for token in present])
    try:
        encoded = joined.encode("ascii")
    except UnicodeEncodeError:
        return _decrypt_each(tokens, associated_data)
    if (
        encoded.translate(None, _BODY_OR_SEPARATOR)
        or encoded.count(b",") != len(present) - 1  # no separator inside a body
    ):
        return _decrypt_each(tokens, associated_data)
    decrypt = _cipher_for(key_id).decrypt
    a2b, bits, unused, padding = binascii.a2b_base64, _STANDARD_BITS, UNUSED_BITS, _PADDING
    texts = []
    append = texts.append
    try:
        for body in encoded.translate(_TO_STANDARD).split(b","):
            leftover = len(body) & 3
            if leftover:
                if leftover == 1 or bits[body[-1]] & unused[leftover]:
                    raise ValueError
                body += padding[leftover]
            sealed = a2b(body)
            if len(sealed) < NONCE_SIZE + TAG_SIZE:
                raise ValueError
            append(decrypt(sealed[:NONCE_SIZE], sealed[NONCE_SIZE:], associated_data).decode())
    except (ValueError, InvalidTag):  # binascii.Error and UnicodeDecodeError are ValueErrors
        return _decrypt_each(tokens, associated_data)  # raises the token's own error
    if len(present) == len(tokens):
        return texts
    plain = iter(texts)
    return [None if token is None else next(plain) for token in tokens]


def _decrypt_each(tokens, associated_data: bytes) -> list:
    """`decrypt_texts` a token at a time: any column, and the exact error of a refused token."""
    ciphers: dict[str, AESGCM] = {}
    texts = []
    append = texts.append
    prefix = cipher = None
    for token in tokens:
        if token is None:
            append(None)
            continue
        head, sealed = _split_fast(token, prefix)
        if head != prefix:
            prefix = head
            key_id = head[len(_TEXT_HEAD) : -1]
            cipher = ciphers.get(key_id)
            if cipher is None:
                cipher = ciphers[key_id] = _cipher_for(key_id)
        if len(sealed) < NONCE_SIZE + TAG_SIZE:
            raise DecryptionError("Encrypted value is too short.")
        try:
            append(
                cipher.decrypt(sealed[:NONCE_SIZE], sealed[NONCE_SIZE:], associated_data).decode()
            )
        except InvalidTag:
            raise DecryptionError(
                "Encrypted value was altered, or its associated data differs."
            ) from None
        except UnicodeDecodeError:
            raise DecryptionError("Encrypted value is not text.") from None
    return texts


def key_id_of(value: str | bytes) -> str:
    """The id of the key a stored value was encrypted under (the value is not decrypted)."""
    key_id, sealed = _split_text(value) if isinstance(value, str) else _split_bytes(value)
    if len(sealed) < NONCE_SIZE + TAG_SIZE:
        raise DecryptionError("Encrypted value is too short.")
    return key_id


class _EncryptedFieldMixin:
    """Ciphertext cannot be compared, so only `isnull` works in queries.

    Each value is bound to its table and column (AES-GCM associated data): a ciphertext copied
    into another column, say a message someone else can read, no longer decrypts. Renaming a
    table or column therefore needs the values re-encrypted under the new name.
    """

    @property
    def associated_data(self) -> bytes:
        model = getattr(self, "model", None)
        if model is None:  # a field not attached to a model, as in some tests
            return b""
        # Cached with what it was made from: a field copied to another model recomputes it.
        cached = self.__dict__.get("_associated_data")
        if cached is not None and cached[0] is model and cached[1] == self.column:
            return cached[2]
        value = f"{model._meta.db_table}.{self.column}".encode()
        self.__dict__["_associated_data"] = (model, self.column, value)
        return value

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(
                f"{self} is encrypted: it cannot be filtered with '{lookup_name}', "
                f"only with 'isnull'."
            )
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        raise FieldError(f"{self} is encrypted: '{lookup_name}' cannot be applied to it.")


class EncryptedTextField(_EncryptedFieldMixin, models.TextField):
    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else encrypt_text(value, self.associated_data)

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt_text(value, self.associated_data)


class EncryptedBinaryField(_EncryptedFieldMixin, models.BinaryField):
    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else encrypt_bytes(bytes(value), self.associated_data)

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt_bytes(bytes(value), self.associated_data)


ENCRYPTED_FIELDS = (EncryptedTextField, EncryptedBinaryField)


@dataclass
class RotationReport:
    models: int
    rows_checked: int
    values_reencrypted: int


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every installed model with encrypted columns in its own table, and their field names."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:  # its table is its parent's, walked through the parent
            continue
        names = [
            field.name
            for field in model._meta.local_concrete_fields
            if isinstance(field, ENCRYPTED_FIELDS)
        ]
        if names:
            found.append((model, names))
    return found


def _stored_field(field: models.Field) -> models.Field:
    """A plain field of the same column type: reads and writes stored values untouched."""
    return models.TextField() if isinstance(field, EncryptedTextField) else models.BinaryField()


def _reencrypt(stored: str | bytes, associated_data: bytes) -> str | bytes:
    if isinstance(stored, str):
        return encrypt_text(decrypt_text(stored, associated_data), associated_data)
    stored = bytes(stored)
    return encrypt_bytes(decrypt_bytes(stored, associated_data), associated_data)


def _rotate_model(
    model: type[models.Model], names: list[str], batch_size: int, stdout
) -> tuple[int, int]:
    fields = [model._meta.get_field(name) for name in names]
    # Wrapped in a plain field's type, the columns come back as stored, not decrypted.
    stored_columns = [
        models.ExpressionWrapper(models.F(field.name), output_field=_stored_field(field))
        for field in fields
    ]
    current = current_key_id()
    rows_checked = values_reencrypted = 0
    last_pk = None
    while True:
        with transaction.atomic():
            # The base manager sees every row, whatever the default manager hides.
            rows = model._base_manager.select_for_update(of=("self",)).order_by("pk")
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            batch = list(rows.values_list("pk", *stored_columns)[:batch_size])
            for pk, *stored_values in batch:
                changes = {}
                for field, stored in zip(fields, stored_values, strict=True):
                    try:
                        if stored is None or key_id_of(stored) == current:
                            continue
                        reencrypted = _reencrypt(stored, field.associated_data)
                    except DecryptionError as error:
                        raise DecryptionError(
                            f"{model._meta.label} pk={pk} {field.name}: {error}"
                        ) from None
                    # A Value of the plain type is written as it is, not encrypted a second time.
                    changes[field.name] = models.Value(
                        reencrypted, output_field=_stored_field(field)
                    )
                if changes:
                    model._base_manager.filter(pk=pk).update(**changes)
                    values_reencrypted += len(changes)
        rows_checked += len(batch)
        if stdout is not None and batch:
            stdout.write(
                f"{model._meta.label}: {rows_checked} rows checked, "
                f"{values_reencrypted} values re-encrypted\n"
            )
        if len(batch) < batch_size:
            return rows_checked, values_reencrypted
        last_pk = batch[-1][0]


def rotate_all(batch_size: int = 200, stdout=None) -> RotationReport:
    """Re-encrypt, under the current key, every stored value encrypted under another key.

    Put a new key first, run this, then remove the old key. Each batch commits on its own and
    values already under the current key are left alone, so an interrupted run can simply be
    started again.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    report = RotationReport(models=0, rows_checked=0, values_reencrypted=0)
    for model, names in encrypted_fields():
        rows_checked, values_reencrypted = _rotate_model(model, names, batch_size, stdout)
        report.models += 1
        report.rows_checked += rows_checked
        report.values_reencrypted += values_reencrypted
    if stdout is not None:
        stdout.write(
            f"Checked {report.rows_checked} rows in {report.models} models; "
            f"re-encrypted {report.values_reencrypted} values under key {current_key_id()!r}.\n"
        )
    return report
