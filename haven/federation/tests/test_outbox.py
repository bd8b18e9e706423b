"""The outbox: delivery between two deployments, retries with backoff, failure, exactly once."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from haven.federation.models import InboxMessage, OutboxState, PeerState
from haven.federation.outbox import MAX_ATTEMPTS, deliver_round, retry_delay, send
from haven.federation.tests.conftest import TH, VN, site, transport_to

pytestmark = pytest.mark.django_db


def down(url, token):
    return 0, "unreachable"


def test_a_message_goes_from_viet_nam_to_thailand_once(paired):
    th, _vn = paired
    with site(VN):
        message = send(th, "ping", {"hello": "Nguyen Van A"})
        result = deliver_round(transport_to(TH))
    assert result.as_dict() == {"delivered": 1, "retried": 0, "failed": 0}
    message.refresh_from_db()
    assert message.state == OutboxState.DELIVERED and message.attempts == 1
    received = InboxMessage.objects.get()
    assert received.message_id == message.id
    assert json.loads(received.body)["body"] == {"hello": "Nguyen Van A"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM federation_outboxmessage")
        assert cursor.fetchone()[0].startswith("hv1:")
    with site(VN):
        assert deliver_round(transport_to(TH)).delivered == 0  # nothing more to do


def test_sending_enqueues_a_delivery_job_in_the_same_transaction(paired):
    th, _vn = paired
    before = DBTaskResult.objects.count()
    with site(VN):
        send(th, "ping", {})
    assert DBTaskResult.objects.count() == before + 1
    assert DBTaskResult.objects.latest("enqueued_at").task_path.endswith("deliver_outbox_job")


def test_backoff_doubles_from_30_seconds_up_to_6_hours():
    delays = [retry_delay(n).total_seconds() for n in range(1, MAX_ATTEMPTS + 1)]
    assert delays[:4] == [30, 60, 120, 240]
    assert max(delays) == 6 * 3600 and delays[-1] == 6 * 3600


def test_a_peer_down_then_back_gets_the_message_once(paired):
    th, _vn = paired
    with site(VN):
        message = send(th, "ping", {})
        now = timezone.now()
        assert deliver_round(down, now=now).retried == 1
        message.refresh_from_db()
        assert message.next_attempt == now + timedelta(seconds=30)
        assert message.last_error == "unreachable"
        assert deliver_round(down, now=now + timedelta(seconds=29)).retried == 0  # not due
        assert deliver_round(down, now=now + timedelta(seconds=30)).retried == 1
        message.refresh_from_db()
        assert message.next_attempt == now + timedelta(seconds=90)
        assert deliver_round(transport_to(TH), now=now + timedelta(seconds=89)).delivered == 0
        result = deliver_round(transport_to(TH), now=now + timedelta(seconds=90))
    assert result.delivered == 1
    assert InboxMessage.objects.filter(message_id=message.id).count() == 1


def test_a_lost_answer_is_retried_and_the_replay_counts_as_delivered(paired):
    th, _vn = paired
    deliver = transport_to(TH)

    def delivered_but_answer_lost(url, token):
        deliver(url, token)
        return 0, "unreachable"

    with site(VN):
        message = send(th, "ping", {})
        deliver_round(delivered_but_answer_lost)
        result = deliver_round(deliver, now=timezone.now() + timedelta(minutes=1))
    assert result.delivered == 1
    message.refresh_from_db()
    assert message.state == OutboxState.DELIVERED and message.attempts == 2
    assert InboxMessage.objects.filter(message_id=message.id).count() == 1


def test_after_twelve_attempts_the_message_fails_and_administrators_see_it(paired, settings):
    th, _vn = paired
    with site(VN):
        message = send(th, "ping", {})
        now = timezone.now()
        for _ in range(MAX_ATTEMPTS):
            deliver_round(down, now=now)
            now += timedelta(hours=7)
    message.refresh_from_db()
    assert message.state == OutboxState.FAILED and message.attempts == MAX_ATTEMPTS
    settings.HAVEN_METRICS_TOKEN = "t" * 40
    metrics = Client().get("/metrics", headers={"Authorization": "Bearer " + "t" * 40})
    assert 'haven_federation_outbox_failed{peer="https://th.haven.test"} 1.0' in (
        metrics.content.decode()
    )


def test_pending_messages_per_peer_are_in_the_metrics(paired, settings):
    th, _vn = paired
    with site(VN):
        send(th, "ping", {})
        send(th, "ping", {})
    settings.HAVEN_METRICS_TOKEN = "t" * 40
    metrics = Client().get("/metrics", headers={"Authorization": "Bearer " + "t" * 40})
    assert 'haven_federation_outbox_pending{peer="https://th.haven.test"} 2.0' in (
        metrics.content.decode()
    )


def test_nothing_goes_to_a_suspended_peer(paired):
    th, _vn = paired
    th.state = PeerState.SUSPENDED
    th.save()
    with site(VN):
        message = send(th, "ping", {})
        assert deliver_round(transport_to(TH)).as_dict() == {
            "delivered": 0,
            "retried": 0,
            "failed": 0,
        }
    message.refresh_from_db()
    assert message.state == OutboxState.PENDING and message.attempts == 0


def test_a_refusal_is_retried_with_its_reason(paired):
    th, vn = paired
    vn.state = PeerState.SUSPENDED  # Thailand suspended Viet Nam
    vn.save()
    with site(VN):
        message = send(th, "ping", {})
        assert deliver_round(transport_to(TH)).retried == 1
    message.refresh_from_db()
    assert message.last_error == "peer_suspended"


def test_the_deliver_command_runs_one_round(paired, monkeypatch):
    th, _vn = paired
    monkeypatch.setattr("haven.federation.outbox.http_transport", transport_to(TH))
    out = StringIO()
    with site(VN):
        send(th, "ping", {})
        call_command("federation_deliver", stdout=out)
    assert out.getvalue().strip() == "Delivered 1, to retry 0, failed 0."


def test_the_delivery_job_is_scheduled(settings):
    path, every = settings.HAVEN_PERIODIC_JOBS["federation_deliver"]
    assert path == "haven.federation.tasks.deliver_outbox_job" and every <= 60
