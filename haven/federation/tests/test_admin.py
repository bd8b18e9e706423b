"""Peers and the outbox in the admin: system administrators only; failed messages stand out."""

import pytest

from haven.audit.models import Event
from haven.conftest import sign_in
from haven.federation.models import OutboxState, PeerState
from haven.federation.outbox import MAX_ATTEMPTS
from haven.federation.outbox import send as send_message
from haven.federation.tests.conftest import VN, site

pytestmark = pytest.mark.django_db


def test_administrators_see_failed_messages_and_can_retry_them(client, admin_user, paired):
    th, _vn = paired
    with site(VN):
        message = send_message(th, "ping", {"name": "Le Thi Mai"})
    message.state, message.attempts, message.last_error = OutboxState.FAILED, MAX_ATTEMPTS, "x1"
    message.save()
    sign_in(client, admin_user)
    response = client.get("/admin/federation/outboxmessage/?state=failed")
    assert response.status_code == 200
    text = response.content.decode()
    assert str(message.id) in text and "Le Thi Mai" not in text
    client.post(
        "/admin/federation/outboxmessage/",
        {"action": "retry", "_selected_action": [str(message.id)]},
    )
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxState.PENDING, 0)


def test_administrators_suspend_a_peer_and_it_is_audited(client, admin_user, paired):
    th, _vn = paired
    sign_in(client, admin_user)
    assert client.get("/admin/federation/peer/").status_code == 200
    client.post("/admin/federation/peer/", {"action": "suspend", "_selected_action": [th.pk]})
    th.refresh_from_db()
    assert th.state == PeerState.SUSPENDED
    assert Event.objects.filter(action="federation.peer_suspended").exists()
    assert client.get("/admin/federation/peer/add/").status_code == 403


@pytest.mark.parametrize("path", ["/admin/federation/peer/", "/admin/federation/outboxmessage/"])
def test_others_do_not_reach_them(client, oscar, path):
    assert client.get(path).status_code in (302, 403, 404)
    response = sign_in(client, oscar).get(path)
    assert response.status_code in (302, 403, 404)
