"""Start-up refuses bad configuration with a message naming the variable."""

import base64
import os
import secrets
import subprocess
import sys

import pytest

GOOD_PRODUCTION = {
    "HAVEN_DEBUG": "false",
    "HAVEN_SECRET_KEY": secrets.token_urlsafe(50),
    "HAVEN_ENCRYPTION_KEYS": "k1:" + base64.b64encode(b"x" * 32).decode(),
    "HAVEN_ALLOWED_HOSTS": "haven.example.org",
    "HAVEN_RECEIPT_SALT": secrets.token_hex(32),
    "HAVEN_AUDIT_KEY": "a1:" + base64.b64encode(b"y" * 32).decode(),
}


def start(tmp_path, **variables):
    """Run `haven check` in a fresh process with only these HAVEN_* variables."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("HAVEN_")}
    environ["HAVEN_DATA_DIR"] = str(tmp_path)
    environ.update(variables)
    return subprocess.run(
        [sys.executable, "-m", "haven", "check"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_starts_with_real_secrets(tmp_path):
    result = start(tmp_path, **GOOD_PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_secrets_once(tmp_path):
    assert start(tmp_path, HAVEN_DEBUG="true").returncode == 0
    secret = (tmp_path / "secret_key").read_text()
    keys = (tmp_path / "encryption_keys").read_text()
    assert len(secret) >= 50 and keys.startswith("dev1:")
    assert (tmp_path / "audit_key").read_text().startswith("a1:")
    assert start(tmp_path, HAVEN_DEBUG="true").returncode == 0
    assert (tmp_path / "secret_key").read_text() == secret


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"HAVEN_SECRET_KEY": ""}, "HAVEN_SECRET_KEY: must be set"),
        ({"HAVEN_SECRET_KEY": "short"}, "HAVEN_SECRET_KEY: must be at least 50"),
        ({"HAVEN_ENCRYPTION_KEYS": ""}, "HAVEN_ENCRYPTION_KEYS: must be set"),
        ({"HAVEN_ENCRYPTION_KEYS": "k1:abc"}, "HAVEN_ENCRYPTION_KEYS: key 'k1'"),
        ({"HAVEN_ALLOWED_HOSTS": ""}, "HAVEN_ALLOWED_HOSTS: must list"),
        ({"HAVEN_DEBUG": "maybe"}, "HAVEN_DEBUG: expected true or false"),
        ({"HAVEN_DATABASE_URL": "mysql://x@y/z"}, "HAVEN_DATABASE_URL: only sqlite"),
        ({"HAVEN_DATABASE_URL": "nonsense"}, "HAVEN_DATABASE_URL"),
        ({"HAVEN_SESSION_IDLE_MINUTES": "0"}, "HAVEN_SESSION_IDLE_MINUTES: must be between"),
        ({"HAVEN_LOCKOUT_MINUTES": "soon"}, "HAVEN_LOCKOUT_MINUTES: expected a whole number"),
        ({"HAVEN_DEFAULT_LANGUAGE": "fr"}, "HAVEN_DEFAULT_LANGUAGE: must be one of vi, en"),
        ({"HAVEN_TIME_ZONE": "Mars/Olympus"}, "HAVEN_TIME_ZONE: unknown time zone"),
        ({"HAVEN_HTTPS": "sometimes"}, "HAVEN_HTTPS: expected true or false"),
        ({"HAVEN_RECEIPT_SALT": ""}, "HAVEN_RECEIPT_SALT: must be set"),
        ({"HAVEN_RECEIPT_SALT": "short"}, "HAVEN_RECEIPT_SALT: must be at least 32"),
        ({"HAVEN_REPORT_RETENTION_DAYS": "1"}, "HAVEN_REPORT_RETENTION_DAYS: must be between"),
        ({"HAVEN_CACHE_URL": "memcached://x"}, "HAVEN_CACHE_URL: only redis"),
        ({"HAVEN_QUICK_EXIT_URL": "javascript:alert(1)"}, "HAVEN_QUICK_EXIT_URL: must be an"),
        ({"HAVEN_AUDIT_KEY": ""}, "HAVEN_AUDIT_KEY: must be set"),
        ({"HAVEN_AUDIT_KEY": "a1:abc"}, "HAVEN_AUDIT_KEY: key 'a1'"),
        ({"HAVEN_AUDIT_ANCHOR": "paper"}, "HAVEN_AUDIT_ANCHOR: must be one of"),
        ({"HAVEN_BACKUP_KEY": "hunter2"}, "HAVEN_BACKUP_KEY: must be an age public key"),
    ],
)
def test_bad_values_stop_start_up(tmp_path, variables, message):
    result = start(tmp_path, **{**GOOD_PRODUCTION, **variables})
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" in result.stderr or "ImproperlyConfigured" in result.stderr


def test_the_deployment_check_passes_in_production(tmp_path):
    environ = {key: value for key, value in os.environ.items() if not key.startswith("HAVEN_")}
    environ.update(GOOD_PRODUCTION, HAVEN_DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "haven", "check", "--deploy", "--fail-level", "WARNING"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_collects_hashed_compressed_static_files(tmp_path):
    environ = {key: value for key, value in os.environ.items() if not key.startswith("HAVEN_")}
    environ.update(GOOD_PRODUCTION, HAVEN_DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "haven", "collectstatic", "--no-input", "-v0"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    names = {path.name for path in (tmp_path / "static").iterdir()}
    assert "staticfiles.json" in names
    assert any(name.startswith("haven.") and name.endswith(".css.gz") for name in names)
