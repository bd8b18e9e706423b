"""Personal content never appears in clear in a database dump; keys rotate safely."""

import base64
import os
import sqlite3
import subprocess

import pytest
from django.db import connection

from haven.lib.crypto import current_key_id, key_id_of, rotate_all
from haven.lib.uploads import clean_upload
from haven.reports import services
from haven.reports.models import Attachment, Message, Report

SECRETS = {
    "description": "Nguyễn Văn Bí mật bị nhốt ở kho lạnh số 9 tại Mộc Bài",
    "contact": "secret-contact-0987654321",
    "province": "Tỉnh Bí Mật",
    "when": "đêm Chủ nhật bí mật",
    "message": "tin-nhan-bi-mat-khong-duoc-lo",
}


def make_report():
    report, _ = services.submit_report(
        services.NewReport(
            country="VN",
            description=SECRETS["description"],
            contact=SECRETS["contact"],
            province=SECRETS["province"],
            when=SECRETS["when"],
        ),
        [clean_upload(b"attachment-text-bi-mat plain words\n")],
    )
    services.add_reporter_message(report, SECRETS["message"], [])
    return report


def dump() -> bytes:
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        environment = {**os.environ, "PGPASSWORD": settings_dict.get("PASSWORD") or ""}
        return subprocess.run(
            [
                "pg_dump",
                "--host",
                settings_dict.get("HOST") or "127.0.0.1",
                "--port",
                str(settings_dict.get("PORT") or 5432),
                "--username",
                settings_dict.get("USER") or "postgres",
                "--data-only",
                settings_dict["NAME"],
            ],
            check=True,
            capture_output=True,
            env=environment,
        ).stdout
    database = sqlite3.connect(settings_dict["NAME"])
    try:
        return "\n".join(database.iterdump()).encode()
    finally:
        database.close()


@pytest.mark.django_db(transaction=True)
def test_a_database_dump_shows_none_of_a_reports_text():
    make_report()
    data = dump()
    assert b"reports_report" in data or b"COPY public.reports_report" in data
    for secret in [*SECRETS.values(), "attachment-text-bi-mat"]:
        for encoding in (secret.encode(), secret.encode("unicode_escape")):
            assert encoding not in data, secret


@pytest.mark.django_db
class TestRotation:
    def test_rotation_moves_everything_to_the_new_key(self, settings):
        report = make_report()
        old = settings.HAVEN_ENCRYPTION_KEYS
        settings.HAVEN_ENCRYPTION_KEYS = [("new2", os.urandom(32)), *old]
        result = rotate_all(batch_size=2)
        assert result.values_reencrypted >= 6  # five text values and one attachment
        with connection.cursor() as cursor:
            cursor.execute("SELECT description, contact FROM reports_report")
            assert all(key_id_of(value) == "new2" for value in cursor.fetchone())
            cursor.execute("SELECT data FROM reports_attachment")
            assert key_id_of(bytes(cursor.fetchone()[0])) == "new2"
        # The old key can go now.
        settings.HAVEN_ENCRYPTION_KEYS = settings.HAVEN_ENCRYPTION_KEYS[:1]
        report = Report.objects.get(pk=report.pk)
        assert report.description == SECRETS["description"]
        assert Message.objects.get().body == SECRETS["message"]
        assert Attachment.objects.get().data.startswith(b"attachment-text-bi-mat")

    def test_a_second_run_changes_nothing(self, settings):
        make_report()
        settings.HAVEN_ENCRYPTION_KEYS = [("k9", os.urandom(32)), *settings.HAVEN_ENCRYPTION_KEYS]
        rotate_all()
        assert rotate_all().values_reencrypted == 0
        assert current_key_id() == "k9"

    def test_the_command(self, settings):
        from io import StringIO

        from django.core.management import call_command

        make_report()
        settings.HAVEN_ENCRYPTION_KEYS = [
            ("cmd", base64.b64decode(base64.b64encode(os.urandom(32)))),
            *settings.HAVEN_ENCRYPTION_KEYS,
        ]
        out = StringIO()
        call_command("rotate_keys", stdout=out)
        assert "values under key 'cmd'" in out.getvalue()


@pytest.mark.django_db
def test_a_ciphertext_moved_to_another_column_no_longer_decrypts(alice):
    """Someone who can write to the database cannot copy a report's text into a readable field."""
    from haven.lib.crypto import DecryptionError

    report = make_report()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact FROM reports_report WHERE id = %s",
            [report.pk.hex if connection.vendor == "sqlite" else report.pk],
        )
        stolen = cursor.fetchone()[0]
        cursor.execute("UPDATE reports_message SET body = %s", [stolen])
    with pytest.raises(DecryptionError):
        list(Message.objects.all())
