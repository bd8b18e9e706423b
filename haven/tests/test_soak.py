"""The soak of bench/soak.py for 60 seconds: gunicorn (4 workers) on PostgreSQL and Redis, the
worker, the mixed load, connections cut twice, the worker and a web worker killed. Not timed:
it checks that no acknowledged write is lost, that no 5xx reaches a client outside the seconds
after a fault, and that the queue drains."""

import importlib.util
from pathlib import Path

import pytest
from django.db import connection

from haven.tests.gunicorn_server import database_url, free_port

ROOT = Path(__file__).resolve().parent.parent.parent


def _soak_module():
    spec = importlib.util.spec_from_file_location("bench_soak", ROOT / "bench" / "soak.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_a_minute_of_mixed_load_with_faults_loses_nothing():
    if connection.vendor != "postgresql":
        pytest.skip("the soak cuts PostgreSQL connections (pg_terminate_backend): PostgreSQL only")
    soak = _soak_module()
    haven = soak.Haven(database_url(), free_port(), ROOT / "var" / "soak-test")  # its log stays
    tokens = haven.prepare(full=False)
    lines = []
    try:
        result = soak.soak(haven, tokens, 60, rate=8, warm_up=0, cases=20, report=lines.append)
    finally:
        connection.close()  # cut by the soak too; the flush after the test needs a new one
    summary = "\n".join(lines)

    assert [what for _, what in result.faults] == [
        "connections cut",
        "worker killed",
        "web worker killed",
        "connections cut",
    ], summary
    reports, stored_reports = result.acknowledged["reports"]
    notes, stored_notes = result.acknowledged["case notes (by id)"]
    assert reports > 20 and notes > 5, summary  # the load did write
    assert stored_reports >= reports and stored_notes == notes, summary
    assert result.lost == 0, summary
    assert result.unexcused_5xx == [], summary
    assert result.unanswered == [], summary
    assert result.drained_after is not None, summary
