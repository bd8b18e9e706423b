"""Statistics reads go to HAVEN_REPLICA_DATABASE_URL's `replica` alias; nothing else does."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from haven.lib.env import replica_database
from haven.lib.replica import REPLICA, StatisticsRouter, statistics_reads

ROOT = Path(__file__).resolve().parents[3]
SQLITE = {"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/a.sqlite3", "CONN_MAX_AGE": 0,
          "OPTIONS": {"timeout": 20}}  # fmt: skip


def test_no_replica_unless_set():
    assert replica_database(SQLITE, environ={}) is None
    assert replica_database(SQLITE, environ={"HAVEN_REPLICA_DATABASE_URL": " "}) is None


def test_a_replica_mirrors_default_in_tests_and_keeps_its_options():
    replica = replica_database(SQLITE, environ={"HAVEN_REPLICA_DATABASE_URL": "sqlite:////tmp/b"})
    assert replica["NAME"] == "/tmp/b"
    assert replica["TEST"] == {"MIRROR": "default"}
    assert replica["OPTIONS"] == {"timeout": 20}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("postgresql://postgres@127.0.0.1:5432/haven", "same kind of database"),
        ("mysql://x@y/z", "HAVEN_REPLICA_DATABASE_URL"),
        ("not a url", "HAVEN_REPLICA_DATABASE_URL"),
    ],
)
def test_a_bad_replica_url_is_refused_naming_the_variable(value, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        replica_database(SQLITE, environ={"HAVEN_REPLICA_DATABASE_URL": value})


def test_without_a_replica_the_router_leaves_everything_to_default():
    assert REPLICA not in settings.DATABASES
    router = StatisticsRouter()
    with statistics_reads():
        assert router.db_for_read(None) is None
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate(REPLICA, "stats") is False


def test_with_a_replica_statistics_read_from_it():
    """The checks in replica_checks.py, in a process whose settings have the replica alias."""
    default = os.environ.get("HAVEN_DATABASE_URL") or f"sqlite:///{settings.DATA_DIR / 'haven.sqlite3'}"  # fmt: skip
    env = {**os.environ, "HAVEN_REPLICA_DATABASE_URL": default, "PYTHONPATH": str(ROOT)}
    env.pop("PYTEST_XDIST_WORKER", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-o", "addopts=", "haven/stats/tests/replica_checks.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "3 passed" in result.stdout, result.stdout[-2000:]
