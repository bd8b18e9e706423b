"""Statistics read from a streaming replica when there is one (HAVEN_REPLICA_DATABASE_URL).

Code that counts for statistics runs its queries inside `statistics_reads()`; the router sends
those reads to the `replica` alias. Everything else, every write, and every read made inside a
transaction on the default database (a refresh that reads what it has just written, a lock
taken with select_for_update) goes to `default`. Without a replica, nothing changes.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_reading = ContextVar("haven_statistics_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def statistics_reads():
    """Reads in this block may come from the replica (a second or so behind the primary)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


@contextmanager
def primary_reads():
    """Reads in this block come from `default`, even inside `statistics_reads` (a refresh
    that decides what to write from what it reads)."""
    token = _reading.set(False)
    try:
        yield
    finally:
        _reading.reset(token)


def statistics_reads_on(function):
    """`statistics_reads` around a function (a decorator)."""

    def wrapped(*args, **kwargs):
        with statistics_reads():
            return function(*args, **kwargs)

    wrapped.__name__, wrapped.__doc__ = function.__name__, function.__doc__
    wrapped.__wrapped__ = function
    return wrapped


class StatisticsRouter:
    def db_for_read(self, model, **hints):
        if not _reading.get() or not replica_configured():
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS  # inside a write: read what it wrote
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS  # never the replica

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database and its copy

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's schema
