"""Encrypted backups of the whole database, and their restore into an empty one.

A backup is an age file (https://age-encryption.org, through `pyrage`): a standard, streaming,
authenticated format that the `age` command can also open without Haven. Inside: one line of
JSON saying what it is (format, engine, time), then the database: a copy made with SQLite's
online backup API, or `pg_dump --format=custom`. Personal data inside is still encrypted under
HAVEN_ENCRYPTION_KEYS; the audit chain is still keyed under HAVEN_AUDIT_KEY: a restore needs
those keys too.

HAVEN_BACKUP_KEY is an age recipient (`age1...`, enough to make backups: the server never needs
to be able to read them) or an age identity (`AGE-SECRET-KEY-1...`, needed to restore).
"""

import io
import json
import os
import sqlite3
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pyrage
from django.conf import settings
from django.db import connection

FORMAT = "haven-backup"
VERSION = 1


class BackupError(Exception):
    """Why a backup or restore cannot be done, for the operator."""


def _key() -> str:
    key = getattr(settings, "HAVEN_BACKUP_KEY", "")
    if not key:
        raise BackupError("HAVEN_BACKUP_KEY is not set (see docs/operations.md).")
    return key


def _recipient():
    key = _key()
    if key.startswith("AGE-SECRET-KEY-1"):
        return pyrage.x25519.Identity.from_str(key).to_public()
    return pyrage.x25519.Recipient.from_str(key)


def _identity():
    key = _key()
    if not key.startswith("AGE-SECRET-KEY-1"):
        raise BackupError(
            "Restoring needs the backup's secret key (AGE-SECRET-KEY-1...) in HAVEN_BACKUP_KEY, "
            "not the public one used to make backups."
        )
    return pyrage.x25519.Identity.from_str(key)


class _Chain(io.RawIOBase):
    """Read a few byte strings and then a stream, as one stream."""

    def __init__(self, head: bytes, stream):
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            count = min(len(buffer), len(self.head))
            buffer[:count], self.head = self.head[:count], self.head[count:]
            return count
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _postgres_environment() -> dict:
    database = settings.DATABASES["default"]
    environ = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if database.get(key):
            environ[variable] = str(database[key])
    return environ


def _header() -> bytes:
    header = {
        "format": FORMAT,
        "version": VERSION,
        "engine": connection.vendor,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return json.dumps(header).encode() + b"\n"


def make_backup(path: Path) -> dict:
    """Write an encrypted backup of the database to `path` (created with mode 600)."""
    recipient = _recipient()
    header = _header()
    temporary = path.with_name(f".{path.name}.partial")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as output:
            if connection.vendor == "sqlite":
                _backup_sqlite(header, output, recipient)
            else:
                _backup_postgresql(header, output, recipient)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return json.loads(header)


def _backup_sqlite(header: bytes, output, recipient) -> None:
    source_path = settings.DATABASES["default"]["NAME"]
    with tempfile.TemporaryDirectory(dir=Path(source_path).parent) as directory:
        copy_path = Path(directory) / "copy.sqlite3"
        source, copy = sqlite3.connect(source_path), sqlite3.connect(copy_path)
        try:
            source.backup(copy)  # a consistent copy while others keep writing
        finally:
            copy.close()
            source.close()
        with open(copy_path, "rb") as stream:
            pyrage.encrypt_io(io.BufferedReader(_Chain(header, stream)), output, [recipient])


def _backup_postgresql(header: bytes, output, recipient) -> None:
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
    dump = subprocess.Popen(  # noqa: S603 - fixed arguments, connection in the environment
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_postgres_environment()
    )
    pyrage.encrypt_io(io.BufferedReader(_Chain(header, dump.stdout)), output, [recipient])
    errors = dump.stderr.read().decode(errors="replace")
    if dump.wait() != 0:
        raise BackupError(f"pg_dump failed: {errors.strip()}")


def restore_backup(path: Path) -> dict:
    """Restore the backup at `path` into the configured database, which must be empty."""
    identity = _identity()
    if _has_tables():
        raise BackupError(
            "The database is not empty: restore only into a new, empty database "
            "(create one and point HAVEN_DATABASE_URL at it)."
        )
    directory = Path(settings.DATA_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory) as work:
        plain = Path(work) / "backup"
        try:
            with open(path, "rb") as source, open(plain, "wb") as target:
                pyrage.decrypt_io(source, target, [identity])
        except pyrage.DecryptError:
            raise BackupError(
                "The backup cannot be decrypted with this key, or it was altered."
            ) from None
        with open(plain, "rb") as stream:
            header = _read_header(stream)
            if header["engine"] != connection.vendor:
                raise BackupError(
                    f"This is a {header['engine']} backup; the database is {connection.vendor}."
                )
            database = Path(work) / "database"
            with open(database, "wb") as output:
                while chunk := stream.read(1024 * 1024):
                    output.write(chunk)
        plain.unlink()
        if connection.vendor == "sqlite":
            _restore_sqlite(database)
        else:
            _restore_postgresql(database)
    return header


def _read_header(stream) -> dict:
    try:
        header = json.loads(stream.readline(4096))
    except ValueError:
        header = {}
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError("This file is not a Haven backup.")
    if header.get("version") != VERSION:
        raise BackupError(f"Backup format version {header.get('version')} is not supported.")
    return header


def _has_tables() -> bool:
    with connection.cursor():  # opens (and for SQLite creates) the database
        pass
    return bool(connection.introspection.table_names())


def _restore_sqlite(database: Path) -> None:
    target = Path(settings.DATABASES["default"]["NAME"])
    connection.close()
    os.chmod(database, 0o600)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(database, target)


def _restore_postgresql(dump: Path) -> None:
    connection.close()
    command = [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        "--dbname",
        settings.DATABASES["default"]["NAME"],
        str(dump),
    ]
    restore = subprocess.run(  # noqa: S603 - fixed arguments, connection in the environment
        command, capture_output=True, env=_postgres_environment(), check=False
    )
    if restore.returncode != 0:
        raise BackupError(f"pg_restore failed: {restore.stderr.decode(errors='replace').strip()}")
