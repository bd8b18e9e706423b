import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import services
from haven.accounts.roles import Role
from haven.audit.models import Event
from haven.conftest import PASSWORD

ENROL = "/en/staff/two-factor/"


def code_for(device, offset=0):
    return (
        f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"
    )


@pytest.fixture
def newcomer(hotline):
    return services.create_member(
        actor=None,
        organisation=hotline,
        username="newcomer",
        role=Role.FRONTLINE,
        password=PASSWORD,
    )


@pytest.mark.django_db
class TestEnrolment:
    def test_a_new_frontline_worker_must_enrol(self, client, newcomer):
        response = client.post("/en/staff/login/", {"username": "newcomer", "password": PASSWORD})
        assert response["Location"].startswith(ENROL)
        page = client.get(ENROL)
        assert page.status_code == 200
        html = page.content.decode()
        assert "<svg" in html and "otpauth" not in html  # a drawn QR code, not a link out
        assert re.search(r'class="secret">([A-Z2-7]{4} )+', html)
        assert client.get("/en/staff/").status_code == 302

    def test_it_confirms_with_a_right_code(self, client, newcomer):
        client.post("/en/staff/login/", {"username": "newcomer", "password": PASSWORD})
        client.get(ENROL)
        device = TOTPDevice.objects.get(user=newcomer)
        assert device.confirmed is False
        response = client.post(ENROL, {"code": code_for(device)})
        assert response.status_code == 200  # the recovery codes, once, then on to the staff home
        assert b'<a href="/en/staff/">' in response.content
        device.refresh_from_db()
        assert device.confirmed is True
        assert client.get("/en/staff/").status_code == 200
        assert Event.objects.filter(
            action="auth.two_factor_enrolled", actor_id=newcomer.pk
        ).exists()

    def test_it_refuses_a_wrong_code(self, client, newcomer):
        client.post("/en/staff/login/", {"username": "newcomer", "password": PASSWORD})
        client.get(ENROL)
        device = TOTPDevice.objects.get(user=newcomer)
        wrong = f"{(int(code_for(device)) + 3) % 1000000:06d}"
        response = client.post(ENROL, {"code": wrong})
        assert response.status_code == 200
        assert b"That code is not right" in response.content
        device.refresh_from_db()
        assert device.confirmed is False
        assert client.get("/en/staff/").status_code == 302

    def test_each_visit_makes_a_new_secret_only_that_session_can_confirm(self, client, newcomer):
        from django.test import Client

        client.post("/en/staff/login/", {"username": "newcomer", "password": PASSWORD})
        client.get(ENROL)
        first = TOTPDevice.objects.get(user=newcomer).key
        # Someone else with the password opens the page too: the secret changes...
        intruder = Client()
        intruder.post("/en/staff/login/", {"username": "newcomer", "password": PASSWORD})
        intruder.get(ENROL)
        assert TOTPDevice.objects.get(user=newcomer).key != first
        # ...and the owner, who reloads, gets yet another one that the intruder never saw.
        client.get(ENROL)
        device = TOTPDevice.objects.get(user=newcomer)
        assert intruder.post(ENROL, {"code": code_for(device)}).status_code == 302  # restarts
        device.refresh_from_db()
        assert device.confirmed is False
        assert b"Recovery codes" in client.post(ENROL, {"code": code_for(device)}).content
        device.refresh_from_db()
        assert device.confirmed is True

    def test_it_needs_a_password_first(self, client):
        response = client.get(ENROL)
        assert response["Location"].startswith("/en/staff/login/")

    def test_an_enrolled_user_is_sent_to_verify(self, client, alice):
        client.post("/en/staff/login/", {"username": "alice", "password": PASSWORD})
        assert client.get(ENROL)["Location"].startswith("/en/staff/login/verify/")

    def test_an_analyst_may_enrol_and_is_then_asked_for_codes(self, client, dave):
        client.post("/en/staff/login/", {"username": "dave", "password": PASSWORD})
        assert client.get(ENROL).status_code == 200
        device = TOTPDevice.objects.get(user=dave)
        assert client.post(ENROL, {"code": code_for(device)}).status_code == 200
        client.post("/en/staff/logout/")
        response = client.post("/en/staff/login/", {"username": "dave", "password": PASSWORD})
        assert response["Location"].startswith("/en/staff/login/verify/")
