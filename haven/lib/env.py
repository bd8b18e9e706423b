"""Read HAVEN_* settings from the environment, refusing bad values with a message naming the variable."""

import base64
import binascii
import os
import re
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


def _raw(name: str, environ=None) -> str | None:
    environ = os.environ if environ is None else environ
    value = environ.get(name)
    return None if value is None else value.strip()


def env_bool(name: str, default: bool, environ=None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}: expected true or false, got {value!r}.")


def env_int(name: str, default: int, *, minimum: int, maximum: int, environ=None) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {value!r}.") from None
    if not minimum <= number <= maximum:
        raise ImproperlyConfigured(
            f"{name}: must be between {minimum} and {maximum}, got {number}."
        )
    return number


def env_float(name: str, default: float, *, minimum: float, maximum: float, environ=None) -> float:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a number, got {value!r}.") from None
    if not minimum <= number <= maximum:
        raise ImproperlyConfigured(
            f"{name}: must be between {minimum} and {maximum}, got {number}."
        )
    return number


def env_list(name: str, default: list[str], environ=None) -> list[str]:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: list[str], environ=None) -> str:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}: must be one of {', '.join(choices)}, got {value!r}.")
    return value


def parse_encryption_keys(name: str, value: str) -> list[tuple[str, bytes]]:
    """Parse "id:base64key,id:base64key": the first key encrypts, all of them decrypt."""
    keys: list[tuple[str, bytes]] = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        if not sep or not KEY_ID_PATTERN.fullmatch(key_id):
            raise ImproperlyConfigured(
                f"{name}: each key must look like ID:BASE64 with an ID of 1-16 letters, "
                f"digits, '-' or '_'."
            )
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(f"{name}: key {key_id!r} is not valid base64.") from None
        if len(key) != 32:
            raise ImproperlyConfigured(
                f"{name}: key {key_id!r} must be 32 bytes (AES-256), got {len(key)}."
            )
        if key_id in {existing for existing, _ in keys}:
            raise ImproperlyConfigured(f"{name}: key id {key_id!r} appears twice.")
        keys.append((key_id, key))
    if not keys:
        raise ImproperlyConfigured(f"{name}: at least one key is needed.")
    return keys


def new_encryption_key(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def development_secret(path: Path, make) -> str:
    """Return the secret stored at path, creating it once (safely when two processes race)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        temporary.write_text(make(), encoding="utf-8")
        os.chmod(temporary, 0o600)
        try:
            os.link(temporary, path)  # atomic: the first writer wins, the others read its value
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise ImproperlyConfigured(f"{path} is empty: delete it to have it generated again.")
    return value


def shared_cache_problem(processes: int, environ=None) -> str:
    """Why these settings cannot serve with this many processes, or "" when they can.

    Rate limits and the daily client key live in the cache: with a cache per process, each
    process counts on its own and four workers allow four times as many wrong receipts.
    """
    if processes <= 1 or env_bool("HAVEN_DEBUG", False, environ):
        return ""
    cache_url = _raw("HAVEN_CACHE_URL", environ) or ""
    if cache_url.startswith(("redis://", "rediss://")):
        return ""
    return (
        f"HAVEN_CACHE_URL: {processes} processes need a shared cache for rate limits "
        "(redis://...); set it, or run one process (WEB_CONCURRENCY=1). See docs/operations.md."
    )


def replica_database(default: dict, environ=None) -> dict | None:
    """The `replica` alias from HAVEN_REPLICA_DATABASE_URL (None when unset): a read-only copy
    of the default database, of the same engine, that statistics read from.

    Tests point it at the default test database (TEST MIRROR): no second copy to fill.
    """
    import dj_database_url

    name = "HAVEN_REPLICA_DATABASE_URL"
    value = _raw(name, environ)
    if not value:
        return None
    try:
        replica = dj_database_url.parse(
            value, conn_max_age=default.get("CONN_MAX_AGE", 0), conn_health_checks=True
        )
    except Exception as error:  # dj-database-url raises several kinds for bad URLs
        raise ImproperlyConfigured(f"{name}: cannot be read ({error}).") from None
    if replica["ENGINE"] != default["ENGINE"]:
        raise ImproperlyConfigured(
            f"{name}: must be the same kind of database as HAVEN_DATABASE_URL (a replica of it)."
        )
    if not replica.get("NAME"):
        raise ImproperlyConfigured(f"{name}: names no database.")
    replica["OPTIONS"] = dict(default.get("OPTIONS", {}))
    replica["TEST"] = {"MIRROR": "default"}
    return replica
