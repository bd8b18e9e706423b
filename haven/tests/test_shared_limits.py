"""Rate limits hold across gunicorn workers: the shared cache (Redis), and the refusal without it."""

import http.client
import secrets
import subprocess

import pytest
import redis

from haven.lib.env import shared_cache_problem
from haven.tests.gunicorn_server import GUNICORN, ROOT, gunicorn, production_environment

REDIS = "redis://127.0.0.1:6379/15"


def wrong_receipt(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/api/v1/reports/mine", headers={"X-Receipt": "0000000000000000"})
    status = connection.getresponse().status
    connection.close()  # a new connection each time, so any worker may take the next one
    return status


@pytest.mark.django_db
def test_four_workers_allow_three_wrong_receipts_in_all(tmp_path):
    prefix = f"test-{secrets.token_hex(8)}"
    environ = production_environment(tmp_path, HAVEN_CACHE_URL=REDIS, HAVEN_CACHE_PREFIX=prefix)
    try:
        with gunicorn(environ, "--workers", "4") as port:
            statuses = [wrong_receipt(port) for _ in range(12)]
    finally:
        store = redis.Redis.from_url(REDIS)
        keys = list(store.scan_iter(f"{prefix}:*"))
        if keys:
            store.delete(*keys)
    assert statuses == [404] * 3 + [429] * 9


def test_production_refuses_several_workers_without_a_shared_cache(tmp_path):
    environ = production_environment(tmp_path)
    result = subprocess.run(
        [*GUNICORN, "--workers", "4", "--bind", "127.0.0.1:0"],
        env=environ,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "HAVEN_CACHE_URL: 4 processes need a shared cache" in result.stderr


@pytest.mark.parametrize(
    ("processes", "variables", "refused"),
    [
        (1, {"HAVEN_DEBUG": "false"}, False),
        (2, {"HAVEN_DEBUG": "false"}, True),
        (2, {"HAVEN_DEBUG": "false", "HAVEN_CACHE_URL": "redis://127.0.0.1:6379/0"}, False),
        (2, {"HAVEN_DEBUG": "true"}, False),  # development: one person, any number of workers
    ],
)
def test_the_rule(processes, variables, refused):
    assert bool(shared_cache_problem(processes, variables)) is refused
