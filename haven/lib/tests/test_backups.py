"""`haven backup` and `haven restore`: an encrypted copy of a populated database comes back whole
in a fresh one, on the engine the suite runs on."""

import base64
import json
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import psycopg
import pyrage
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from haven.audit.models import Event
from haven.cases.models import Case
from haven.cases.tests.helpers import make_case
from haven.conftest import create_personas
from haven.lib.uploads import clean_upload
from haven.reports import services
from haven.reports.models import Attachment, Report

ROOT = Path(__file__).resolve().parent.parent.parent.parent
DESCRIPTION = "Bản sao lưu: người bị giữ ở xưởng số 7"
COUNTS = """
import json, sys
import django
django.setup()
from haven.audit.models import Event
from haven.cases.models import Case
from haven.reports.models import Attachment, Report
report = Report.objects.get(pk=sys.argv[1])
print(json.dumps({
    "reports": Report.objects.count(), "cases": Case.objects.count(),
    "attachments": Attachment.objects.count(), "events": Event.objects.count(),
    "description": report.description, "attachment": report.attachments.get().data.decode(),
}))
"""


def keys(pairs) -> str:
    return ",".join(f"{key_id}:{base64.b64encode(key).decode()}" for key_id, key in pairs)


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of a new, empty database on the engine the suite runs on; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    database = settings.DATABASES["default"]
    name = f"haven_restore_{secrets.token_hex(4)}"
    server = f"postgresql://{database['USER'] or 'postgres'}@{database['HOST']}:{database['PORT'] or 5432}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def haven(tmp_path, database_url, backup_key, *arguments, script=None):
    environ = {
        "PATH": "/usr/bin:/bin",
        "HAVEN_DEBUG": "true",
        "HAVEN_DATA_DIR": str(tmp_path / "restored-data"),
        "HAVEN_DATABASE_URL": database_url,
        "HAVEN_DATABASE_CONN_MAX_AGE": "0",
        "HAVEN_BACKUP_KEY": backup_key,
        "HAVEN_ENCRYPTION_KEYS": keys(settings.HAVEN_ENCRYPTION_KEYS),
        "HAVEN_AUDIT_KEY": keys(settings.HAVEN_AUDIT_KEY),
        "HAVEN_RECEIPT_SALT": settings.HAVEN_RECEIPT_SALT,
        "DJANGO_SETTINGS_MODULE": "haven.settings",
    }
    command = (
        [sys.executable, "-c", script, *arguments]
        if script
        else [sys.executable, "-m", "haven", *arguments]
    )
    return subprocess.run(
        command, env=environ, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def populated(transactional_db):
    create_personas()
    from haven.accounts.models import User

    alice = User.objects.get(username="alice")
    report, _ = services.submit_report(
        services.NewReport(country="VN", description=DESCRIPTION),
        [clean_upload(b"tep-dinh-kem bang chung\n")],
    )
    make_case(alice)
    return report


def test_a_backup_restores_whole_into_a_fresh_database(
    populated, tmp_path, settings, fresh_database
):
    identity = pyrage.x25519.Identity.generate()
    # The server needs only the public key to make backups.
    settings.HAVEN_BACKUP_KEY = str(identity.to_public())
    backup = tmp_path / "haven.backup"
    call_command("backup", backup, stdout=StringIO())
    data = backup.read_bytes()
    assert data.startswith(b"age-encryption.org/v1")
    assert b"SQLite format 3" not in data and b"PGDMP" not in data
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    expected = {
        "reports": Report.objects.count(),
        "cases": Case.objects.count(),
        "attachments": Attachment.objects.count(),
        "events": Event.objects.count(),
    }
    assert expected["cases"] >= 1 and expected["events"] > 10

    stranger = str(pyrage.x25519.Identity.generate())
    refused = haven(tmp_path, fresh_database, stranger, "restore", str(backup))
    assert refused.returncode == 1 and "cannot be decrypted with this key" in refused.stderr

    secret = str(identity)
    restored = haven(tmp_path, fresh_database, secret, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    found = haven(tmp_path, fresh_database, secret, str(populated.pk), script=COUNTS)
    assert found.returncode == 0, found.stderr
    values = json.loads(found.stdout)
    assert {key: values[key] for key in expected} == expected
    assert values["description"] == DESCRIPTION
    assert values["attachment"] == "tep-dinh-kem bang chung\n"
    verified = haven(tmp_path, fresh_database, secret, "verify_audit")
    assert verified.returncode == 0, verified.stderr
    assert f"Audit log intact: {expected['events']} events" in verified.stdout

    # A second restore would mix two databases: refused.
    again = haven(tmp_path, fresh_database, secret, "restore", str(backup))
    assert again.returncode == 1 and "not empty" in again.stderr


def test_restore_needs_the_secret_key_and_an_empty_database(populated, tmp_path, settings):
    identity = pyrage.x25519.Identity.generate()
    settings.HAVEN_BACKUP_KEY = str(identity.to_public())
    backup = tmp_path / "haven.backup"
    call_command("backup", backup, stdout=StringIO())
    with pytest.raises(CommandError, match="secret key"):
        call_command("restore", backup)
    settings.HAVEN_BACKUP_KEY = str(pyrage.x25519.Identity.generate())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", backup)  # this test's own database has tables


def test_a_backup_needs_a_key(settings, tmp_path, db):
    settings.HAVEN_BACKUP_KEY = ""
    with pytest.raises(CommandError, match="HAVEN_BACKUP_KEY is not set"):
        call_command("backup", tmp_path / "x.backup")
    assert not (tmp_path / "x.backup").exists()
