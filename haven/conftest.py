"""Fixtures for the whole suite: the personas of DESIGN.md §4, made once per test database."""

import os
from pathlib import Path

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import Organisation, User
from haven.accounts.roles import TWO_FACTOR_REQUIRED
from haven.demo.personas import PERSONAS, create_demo_data
from haven.hub.content import load_content

PASSWORD = "correct-horse-battery-staple-9"
# Fixed authenticator secrets (hex), so tests can compute the codes a phone would show.
TOTP_KEYS = {
    persona.username: f"{index:02d}" * 20
    for index, persona in enumerate(PERSONAS, start=1)
    if persona.role in TWO_FACTOR_REQUIRED
}


def create_personas() -> None:
    create_demo_data(lambda username: PASSWORD)
    for username, key in TOTP_KEYS.items():
        user = User.objects.get(username=username)
        if not TOTPDevice.objects.filter(user=user).exists():
            TOTPDevice.objects.create(user=user, name="phone", key=key, confirmed=True)


CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        create_personas()
        load_content(CONTENT)


def current_code(user, offset: int = 0) -> str:
    """The code the user's authenticator shows now (offset: steps ahead, within tolerance)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return (
        f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"
    )


def sign_in(client: Client, user) -> Client:
    """Sign a test client in with password and second factor already done."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _persona(username):
    @pytest.fixture
    def fixture(db):
        return User.objects.select_related("organisation").get(username=username)

    return fixture


alice = _persona("alice")
bob = _persona("bob")
oscar = _persona("oscar")
carol = _persona("carol")
dave = _persona("dave")
mallory = _persona("mallory")
admin_user = _persona("admin")


@pytest.fixture
def hotline(db):
    return Organisation.objects.get(name="Hotline VN")


@pytest.fixture
def outsider_org(db):
    return Organisation.objects.get(name="Outsider Org")


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def run_jobs():
    """Run the queued jobs that are due, as `haven worker` would, in this test's transaction."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )

    def run() -> int:
        count = 0
        while (result := DBTaskResult.objects.ready().first()) is not None:
            result.claim(worker.worker_id)
            worker.run_task(result)
            count += 1
        return count

    return run


@pytest.fixture(autouse=True)
def _anchor_file(settings, tmp_path):
    """Audit anchors go to a file of the test's own, never to var/."""
    settings.HAVEN_AUDIT_ANCHOR = "file"
    settings.HAVEN_AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.log"


def pytest_collection_modifyitems(config, items):
    """The live federation tests start their own two servers, one on SQLite and one on
    PostgreSQL, whatever the suite's database: `make test` runs them once, in the PostgreSQL
    run, rather than twice the same. HAVEN_LIVE_TESTS=always runs them in any run."""
    if os.environ.get("HAVEN_LIVE_TESTS") == "always":
        return
    if os.environ.get("HAVEN_DATABASE_URL", "").startswith("postgresql://"):
        return
    live = [item for item in items if item.get_closest_marker("live")]
    if live:
        config.hook.pytest_deselected(items=live)
        items[:] = [item for item in items if not item.get_closest_marker("live")]
