import base64
import os
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from django.db import connection, models
from django.db.migrations.writer import MigrationWriter
from django.db.models.lookups import IsNull

from haven.lib.crypto import (
    BASE64_URL,
    DecryptionError,
    EncryptedBinaryField,
    EncryptedTextField,
    RotationReport,
    current_key_id,
    decrypt_bytes,
    decrypt_text,
    decrypt_texts,
    encrypt_bytes,
    encrypt_text,
    encrypted_fields,
    key_id_of,
    rotate_all,
)

OLD_KEY = ("test-old", os.urandom(32))
NEW_KEY = ("test-new", os.urandom(32))
VIETNAMESE = "Tôi bị giữ giấy tờ và không được về nhà. Xin hãy giúp đỡ!"


@pytest.fixture(autouse=True)
def deployment_keys(settings) -> list[tuple[str, bytes]]:
    """Encrypt under a test key; return the keys rows made outside these tests were written under."""
    keys = settings.HAVEN_ENCRYPTION_KEYS
    settings.HAVEN_ENCRYPTION_KEYS = [OLD_KEY]
    return keys


def put_new_key_first(settings):
    settings.HAVEN_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]


def flip_byte(blob: bytes, index: int) -> bytes:
    return blob[:index] + bytes([blob[index] ^ 0x01]) + blob[index + 1 :]


class TestBytes:
    @pytest.mark.parametrize("data", [b"", b"\x00\xff", VIETNAMESE.encode(), os.urandom(5000)])
    def test_it_round_trips(self, data):
        assert decrypt_bytes(encrypt_bytes(data)) == data

    def test_it_writes_the_format_naming_the_key(self):
        blob = encrypt_bytes(b"abc")
        assert blob.startswith(b"HV1\x08test-old")
        assert len(blob) == 3 + 1 + 8 + 12 + 3 + 16

    def test_every_encryption_has_a_fresh_nonce(self):
        first, second = encrypt_bytes(b"same"), encrypt_bytes(b"same")
        assert first != second
        assert first[12:24] != second[12:24]

    def test_any_altered_byte_is_refused(self):
        blob = encrypt_bytes(b"secret")
        for index in range(len(blob)):
            with pytest.raises(DecryptionError):
                decrypt_bytes(flip_byte(blob, index))

    def test_other_associated_data_is_refused(self):
        blob = encrypt_bytes(b"secret", associated_data=b"report:1")
        assert decrypt_bytes(blob, associated_data=b"report:1") == b"secret"
        with pytest.raises(DecryptionError, match="associated data"):
            decrypt_bytes(blob, associated_data=b"report:2")
        with pytest.raises(DecryptionError):
            decrypt_bytes(blob)

    def test_an_unknown_key_id_is_refused(self, settings):
        blob = encrypt_bytes(b"secret")
        settings.HAVEN_ENCRYPTION_KEYS = [NEW_KEY]
        with pytest.raises(DecryptionError, match="No encryption key with id 'test-old'"):
            decrypt_bytes(blob)

    def test_a_different_key_under_the_same_id_is_refused(self, settings):
        blob = encrypt_bytes(b"secret")
        settings.HAVEN_ENCRYPTION_KEYS = [(OLD_KEY[0], os.urandom(32))]
        with pytest.raises(DecryptionError):
            decrypt_bytes(blob)

    @pytest.mark.parametrize(
        "blob", [b"", b"HV1", b"HV1\x00", b"HV1\x05ab", b"XV1\x02k1" + b"0" * 40, b"plain text"]
    )
    def test_malformed_values_are_refused(self, blob):
        with pytest.raises(DecryptionError):
            decrypt_bytes(blob)

    def test_a_truncated_value_is_refused(self):
        blob = encrypt_bytes(b"")
        with pytest.raises(DecryptionError, match="too short"):
            decrypt_bytes(blob[:-1])

    def test_errors_do_not_show_the_key(self):
        blob = encrypt_bytes(b"secret")
        with pytest.raises(DecryptionError) as error:
            decrypt_bytes(flip_byte(blob, len(blob) - 1))
        message = str(error.value)
        assert base64.b64encode(OLD_KEY[1]).decode() not in message
        assert repr(OLD_KEY[1]) not in message


class TestText:
    @pytest.mark.parametrize("text", ["", "hello", VIETNAMESE, "đ Đ ư ơ 🙏\n\t"])
    def test_it_round_trips(self, text):
        assert decrypt_text(encrypt_text(text)) == text

    def test_it_writes_the_format_naming_the_key(self):
        token = encrypt_text("abc")
        match = re.fullmatch(r"hv1:test-old:([A-Za-z0-9_-]+)", token)
        assert match, token
        payload = match.group(1)
        assert len(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))) == 12 + 3 + 16

    def test_the_plaintext_does_not_show(self):
        assert "giúp" not in encrypt_text(VIETNAMESE)

    def test_every_encryption_has_a_fresh_nonce(self):
        assert encrypt_text("same") != encrypt_text("same")

    def test_any_altered_character_is_refused(self):
        token = encrypt_text("secret")
        for index in range(len(token)):
            replacement = "A" if token[index] != "A" else "B"
            with pytest.raises(DecryptionError):
                decrypt_text(token[:index] + replacement + token[index + 1 :])

    def test_other_associated_data_is_refused(self):
        token = encrypt_text("secret", associated_data=b"case:7")
        assert decrypt_text(token, associated_data=b"case:7") == "secret"
        with pytest.raises(DecryptionError):
            decrypt_text(token, associated_data=b"case:8")

    def test_an_unknown_key_id_is_refused(self):
        token = encrypt_text("secret").replace("hv1:test-old:", "hv1:gone:")
        with pytest.raises(DecryptionError, match="'gone'"):
            decrypt_text(token)

    @pytest.mark.parametrize(
        "token",
        [
            "",
            "plain text",
            "hv1:test-old:",
            "hv1:test-old:abc=",
            "hv1:test-old:a+b/",
            "hv1:test-old:abcde",
            "hv1:bad id:abcd",
            "hv1:seventeen-chars-x:abcd",
            "hv2:test-old:abcd",
        ],
    )
    def test_malformed_values_are_refused(self, token):
        with pytest.raises(DecryptionError):
            decrypt_text(token)


MALFORMED_TOKENS = [
    "",
    "plain text",
    "hv1:test-old:",
    "hv1:test-old:abc=",
    "hv1:test-old:a+b/",
    "hv1:test-old:abcde",
    "hv1:bad id:abcd",
    "hv1:seventeen-chars-x:abcd",
    "hv2:test-old:abcd",
    "hv1::abcd",
    "hv1:test-old",
    "hv1:test-old:ab!d",
    "hv1:test-old:ab\ncd",
    "hv1:test-old:abcd:efgh",
    "hv1:test-old:abcdéfgh",
]


class TestDecryptTexts:
    """The batch decryption of a column parses tokens without a regular expression: it must
    accept and refuse exactly what `decrypt_text` does."""

    def test_it_gives_what_decrypt_text_gives_and_keeps_none(self, settings):
        tokens = [encrypt_text(text, b"t.c") for text in ("", VIETNAMESE, "x" * 1000)]
        put_new_key_first(settings)
        tokens += [None, encrypt_text("under the new key", b"t.c")]
        expected = [None if t is None else decrypt_text(t, b"t.c") for t in tokens]
        assert decrypt_texts(tokens, b"t.c") == expected
        assert expected[:2] == ["", VIETNAMESE] and expected[3] is None

    def test_any_altered_character_is_refused(self):
        token = encrypt_text("secret")
        for index in range(len(token)):
            replacement = "A" if token[index] != "A" else "B"
            with pytest.raises(DecryptionError):
                decrypt_texts([token[:index] + replacement + token[index + 1 :]])

    def test_other_associated_data_and_unknown_keys_are_refused(self):
        token = encrypt_text("secret", associated_data=b"case:7")
        with pytest.raises(DecryptionError):
            decrypt_texts([token], associated_data=b"case:8")
        with pytest.raises(DecryptionError, match="'gone'"):
            decrypt_texts([token.replace("hv1:test-old:", "hv1:gone:")], b"case:7")

    @pytest.mark.parametrize("token", MALFORMED_TOKENS)
    def test_malformed_values_are_refused_by_both(self, token):
        with pytest.raises(DecryptionError):
            decrypt_text(token)
        with pytest.raises(DecryptionError):
            decrypt_texts([token])

    @pytest.mark.parametrize("token", [*MALFORMED_TOKENS, "hv1:test-old:ab,cd"])
    def test_a_malformed_value_among_good_ones_is_refused(self, token):
        """The whole column is checked at once when its tokens share a key: one bad token in
        the middle of good ones is refused, with `decrypt_text`'s error."""
        good = [encrypt_text(str(number), b"t.c") for number in range(3)]
        with pytest.raises(DecryptionError) as alone:
            decrypt_text(token, b"t.c")
        with pytest.raises(DecryptionError) as among:
            decrypt_texts([*good, None, token, *good], b"t.c")
        assert str(among.value) == str(alone.value)

    def test_an_altered_or_moved_value_among_good_ones_is_refused(self):
        good = [encrypt_text(str(number), b"t.c") for number in range(3)]
        token = encrypt_text("secret", b"t.c")
        for index in range(len("hv1:test-old:"), len(token)):
            replacement = "A" if token[index] != "A" else "B"
            altered = token[:index] + replacement + token[index + 1 :]
            with pytest.raises(DecryptionError):
                decrypt_texts([*good, altered, *good], b"t.c")
        with pytest.raises(DecryptionError, match="associated data"):
            decrypt_texts([*good, encrypt_text("secret", b"t.d")], b"t.c")

    def test_a_non_canonical_last_character_is_refused(self):
        token = encrypt_text("abcd")  # 32 bytes: 43 characters, the last with 2 unused bits
        last = BASE64_URL.index(token[-1])
        changed = token[:-1] + BASE64_URL[last | 1]
        assert changed != token
        with pytest.raises(DecryptionError):
            decrypt_text(changed)
        with pytest.raises(DecryptionError):
            decrypt_texts([changed])


class TestKeyRotation:
    def test_the_first_key_encrypts(self, settings):
        assert current_key_id() == "test-old"
        put_new_key_first(settings)
        assert current_key_id() == "test-new"
        assert key_id_of(encrypt_text("x")) == "test-new"
        assert key_id_of(encrypt_bytes(b"x")) == "test-new"

    def test_old_values_still_decrypt_after_a_new_key_is_put_first(self, settings):
        token, blob = encrypt_text(VIETNAMESE), encrypt_bytes(b"file")
        put_new_key_first(settings)
        assert decrypt_text(token) == VIETNAMESE
        assert decrypt_bytes(blob) == b"file"

    def test_key_id_of_reads_both_formats(self):
        assert key_id_of(encrypt_text("x")) == "test-old"
        assert key_id_of(encrypt_bytes(b"x")) == "test-old"
        assert key_id_of(memoryview(encrypt_bytes(b"x"))) == "test-old"

    def test_key_id_of_does_not_need_the_key(self, settings):
        token = encrypt_text("x")
        settings.HAVEN_ENCRYPTION_KEYS = [NEW_KEY]
        assert key_id_of(token) == "test-old"

    @pytest.mark.parametrize("value", ["plain", "hv1:k1:", "hv1:k1:AAAA", b"", b"HV1\x02k1"])
    def test_key_id_of_refuses_malformed_values(self, value):
        with pytest.raises(DecryptionError):
            key_id_of(value)


class TestEncryptedTextField:
    field = EncryptedTextField()

    def test_it_stores_ciphertext_and_reads_plaintext(self):
        token = self.field.get_db_prep_save(VIETNAMESE, connection)
        assert key_id_of(token) == "test-old"
        assert self.field.from_db_value(token, None, connection) == VIETNAMESE
        assert self.field.get_prep_value("") != ""
        assert decrypt_text(self.field.get_prep_value("")) == ""

    def test_none_stays_none(self):
        assert self.field.get_prep_value(None) is None
        assert self.field.get_db_prep_save(None, connection) is None
        assert self.field.from_db_value(None, None, connection) is None

    def test_to_python_takes_plaintext(self):
        assert self.field.to_python(VIETNAMESE) == VIETNAMESE
        assert self.field.to_python(None) is None

    def test_an_altered_value_fails_loudly(self):
        token = self.field.get_prep_value("secret")
        with pytest.raises(DecryptionError):
            self.field.from_db_value(token[:-2] + "AA", None, connection)

    def test_it_deconstructs_like_a_text_field(self):
        _name, path, args, kwargs = EncryptedTextField(blank=True).deconstruct()
        assert (path, args, kwargs) == ("haven.lib.crypto.EncryptedTextField", [], {"blank": True})
        assert EncryptedTextField().db_type(connection) == models.TextField().db_type(connection)
        code, imports = MigrationWriter.serialize(EncryptedTextField(null=True))
        assert code == "haven.lib.crypto.EncryptedTextField(null=True)"
        assert imports == {"import haven.lib.crypto"}


class TestEncryptedBinaryField:
    field = EncryptedBinaryField(null=True)

    def test_it_stores_ciphertext_and_reads_plaintext(self):
        stored = self.field.get_prep_value(b"\x00photo")
        assert self.field.get_db_prep_save(b"\x00photo", connection) is not None
        assert key_id_of(stored) == "test-old"
        assert self.field.from_db_value(stored, None, connection) == b"\x00photo"

    def test_it_reads_postgresql_memoryviews(self):
        stored = self.field.get_prep_value(b"photo")
        assert self.field.from_db_value(memoryview(stored), None, connection) == b"photo"

    def test_it_takes_memoryviews_and_bytearrays(self):
        for value in (memoryview(b"photo"), bytearray(b"photo")):
            assert decrypt_bytes(self.field.get_prep_value(value)) == b"photo"

    def test_none_stays_none(self):
        assert self.field.get_prep_value(None) is None
        assert self.field.get_db_prep_save(None, connection) is None
        assert self.field.from_db_value(None, None, connection) is None

    def test_it_deconstructs_like_a_binary_field(self):
        _name, path, args, kwargs = self.field.deconstruct()
        assert (path, args, kwargs) == ("haven.lib.crypto.EncryptedBinaryField", [], {"null": True})
        assert EncryptedBinaryField().db_type(connection) == models.BinaryField().db_type(
            connection
        )


@pytest.fixture
def note_model():
    """A model with encrypted fields, registered for one test only: no migration describes it."""

    class EncryptedNote(models.Model):
        body = EncryptedTextField(blank=True)
        photo = EncryptedBinaryField(null=True)

        class Meta:
            app_label = "hub"
            db_table = "hub_test_encrypted_note"
            managed = False

        def __str__(self):
            return f"note {self.pk}"

    try:
        yield EncryptedNote
    finally:
        del apps.all_models["hub"]["encryptednote"]
        apps.clear_cache()


class TestLookups:
    @pytest.mark.parametrize(
        "lookup",
        [
            {"body": "x"},
            {"body__icontains": "x"},
            {"body__in": ["x"]},
            {"body__startswith": "x"},
            {"body__unaccent": "x"},
            {"body__unaccent__icontains": "x"},
            {"photo": b"x"},
            {"photo__isnull": True, "body__gt": "x"},
        ],
    )
    def test_only_isnull_is_allowed(self, note_model, lookup):
        with pytest.raises(FieldError, match=r"hub\.EncryptedNote\.\w+ is encrypted"):
            note_model.objects.filter(**lookup)

    def test_isnull_works(self, note_model):
        query = str(note_model.objects.filter(body__isnull=False, photo__isnull=True).query)
        assert "IS NOT NULL" in query and "IS NULL" in query
        assert note_model._meta.get_field("body").get_lookup("isnull") is IsNull


def test_encrypted_fields_lists_models_and_their_fields(note_model):
    found = encrypted_fields()
    assert isinstance(found, list)
    assert (note_model, ["body", "photo"]) in found


def stored_values(model, pk) -> tuple[str | None, bytes | None]:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body, photo FROM {table} WHERE id = %s", [pk])
        body, photo = cursor.fetchone()
    return body, None if photo is None else bytes(photo)


@pytest.fixture
def note_table(transactional_db, note_model, settings, deployment_keys):
    # rotate_all also walks other models' rows: they must still decrypt.
    settings.HAVEN_ENCRYPTION_KEYS = [OLD_KEY, *deployment_keys]
    with connection.schema_editor() as editor:
        editor.create_model(note_model)
    try:
        yield note_model
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(note_model)


class TestStorage:
    def test_rows_are_stored_encrypted(self, note_table):
        note = note_table.objects.create(body=VIETNAMESE, photo=b"\x89PNG")
        body, photo = stored_values(note_table, note.pk)
        assert body.startswith("hv1:test-old:") and "giữ" not in body
        assert photo.startswith(b"HV1\x08test-old") and b"PNG" not in photo
        note = note_table.objects.get(pk=note.pk)
        assert (note.body, note.photo) == (VIETNAMESE, b"\x89PNG")
        assert note_table.objects.filter(photo__isnull=False).count() == 1

    def test_updates_and_values_encrypt_and_decrypt(self, note_table):
        note = note_table.objects.create(body="first")
        note_table.objects.filter(pk=note.pk).update(body="second", photo=b"scan")
        assert stored_values(note_table, note.pk)[0].startswith("hv1:")
        assert list(note_table.objects.values_list("body", "photo")) == [("second", b"scan")]


class TestRotateAll:
    def create_notes(self, model, settings):
        """Four rows under the old key (six values) and one already under the new key."""
        old = [
            model.objects.create(body=VIETNAMESE, photo=b"one"),
            model.objects.create(body=""),
            model.objects.create(body="three", photo=b"three"),
            model.objects.create(body="four"),
        ]
        settings.HAVEN_ENCRYPTION_KEYS = [NEW_KEY, *settings.HAVEN_ENCRYPTION_KEYS]
        current = model.objects.create(body="five", photo=b"five")
        return old, current

    def test_it_reencrypts_old_values_under_the_current_key(self, note_table, settings):
        old, current = self.create_notes(note_table, settings)
        untouched = stored_values(note_table, current.pk)
        out = StringIO()
        report = rotate_all(batch_size=2, stdout=out)

        assert "hub.EncryptedNote: 5 rows checked, 6 values re-encrypted" in out.getvalue()
        assert "giữ" not in out.getvalue()
        assert isinstance(report, RotationReport)
        assert report.models >= 1 and report.values_reencrypted >= 6
        for note in old:
            body, photo = stored_values(note_table, note.pk)
            assert key_id_of(body) == "test-new"
            assert photo is None or key_id_of(photo) == "test-new"
        assert stored_values(note_table, current.pk) == untouched

        settings.HAVEN_ENCRYPTION_KEYS = [NEW_KEY]  # the old key can now be retired
        rows = note_table.objects.order_by("pk").values_list("body", "photo")
        assert list(rows) == [
            (VIETNAMESE, b"one"),
            ("", None),
            ("three", b"three"),
            ("four", None),
            ("five", b"five"),
        ]

    def test_running_it_again_changes_nothing(self, note_table, settings):
        self.create_notes(note_table, settings)
        rotate_all(batch_size=3)
        before = [
            stored_values(note_table, pk) for pk in note_table.objects.values_list("pk", flat=True)
        ]
        report = rotate_all(batch_size=3)
        assert report.values_reencrypted == 0
        after = [
            stored_values(note_table, pk) for pk in note_table.objects.values_list("pk", flat=True)
        ]
        assert after == before

    def test_a_value_it_cannot_decrypt_stops_it_naming_the_row(self, note_table, settings):
        note = note_table.objects.create(body="secret")
        settings.HAVEN_ENCRYPTION_KEYS = [NEW_KEY, *settings.HAVEN_ENCRYPTION_KEYS[1:]]
        with pytest.raises(DecryptionError, match=rf"hub\.EncryptedNote pk={note.pk} body"):
            rotate_all()
        assert key_id_of(stored_values(note_table, note.pk)[0]) == "test-old"
