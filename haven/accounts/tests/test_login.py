from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.audit.models import Event
from haven.conftest import PASSWORD, current_code

LOGIN = "/en/staff/login/"
VERIFY = "/en/staff/login/verify/"
HOME = "/en/staff/"


def post_password(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


@pytest.mark.django_db
class TestPasswordStep:
    def test_it_shows_the_form(self, client):
        response = client.get(LOGIN)
        assert response.status_code == 200
        assert b'name="password"' in response.content
        assert "no-store" in response["Cache-Control"]

    def test_it_signs_in_a_role_without_two_factor(self, client, dave):
        response = post_password(client, "dave")
        assert response.status_code == 302
        assert response["Location"] == HOME
        assert client.get(HOME).status_code == 200
        assert Event.objects.filter(action="auth.login", actor_id=dave.pk).exists()

    def test_it_asks_for_the_second_factor(self, client, alice):
        response = post_password(client, "alice")
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY)
        # Not signed in yet: staff pages send the visitor back to sign in.
        assert client.get(HOME)["Location"].startswith(LOGIN)

    def test_it_refuses_a_wrong_password(self, client, alice):
        before = Event.objects.count()
        response = post_password(client, "alice", "wrong-password")
        assert response.status_code == 200
        assert b"Please enter a correct username and password" in response.content
        event = Event.objects.get(action="auth.login_failed")
        assert event.actor_id == alice.pk
        assert event.summary == {"reason": "password", "known_user": True}
        assert Event.objects.count() == before + 1

    def test_it_does_not_record_unknown_usernames(self, client):
        response = post_password(client, "my-secret-password")
        assert response.status_code == 200
        event = Event.objects.get(action="auth.login_failed")
        assert event.actor_id is None and event.actor_username == ""
        assert "my-secret-password" not in str(event.summary)

    def test_it_refuses_an_inactive_user(self, client, alice):
        alice.is_active = False
        alice.save(update_fields=["is_active"])
        response = post_password(client, "alice")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    def test_it_answers_in_vietnamese(self, client):
        response = client.post("/vi/staff/login/", {"username": "alice", "password": "x"})
        assert "mật khẩu chính xác" in response.content.decode()

    def test_it_ignores_an_offsite_next(self, client):
        response = post_password(client, "dave", next="https://evil.example/")
        assert response["Location"] == HOME

    def test_it_follows_a_local_next(self, client):
        response = post_password(client, "dave", next="/en/staff/tokens/")
        assert response["Location"] == "/en/staff/tokens/"

    def test_it_enforces_csrf(self, csrf_client):
        response = post_password(csrf_client, "dave")
        assert response.status_code == 403
        assert "_auth_user_id" not in csrf_client.session


@pytest.mark.django_db
class TestSecondFactor:
    def test_it_completes_sign_in(self, client, alice):
        post_password(client, "alice")
        response = client.post(VERIFY, {"code": current_code(alice)})
        assert response.status_code == 302 and response["Location"] == HOME
        page = client.get(HOME)
        assert page.status_code == 200
        assert b"Hotline VN" in page.content
        event = Event.objects.filter(action="auth.login").latest("seq")
        assert event.actor_id == alice.pk and event.summary == {"two_factor": True}

    def test_it_refuses_a_wrong_code(self, client, alice):
        post_password(client, "alice")
        wrong = f"{(int(current_code(alice)) + 1) % 1000000:06d}"
        response = client.post(VERIFY, {"code": wrong})
        assert response.status_code == 200
        assert b"That code is not right" in response.content
        assert client.get(HOME).status_code == 302
        assert Event.objects.filter(
            action="auth.login_failed", summary__reason="two_factor"
        ).exists()

    def test_it_refuses_a_code_of_the_wrong_shape(self, client, alice):
        post_password(client, "alice")
        response = client.post(VERIFY, {"code": "12ab"})
        assert b"Enter the 6 digits" in response.content

    def test_it_refuses_a_reused_code(self, client, alice):
        code = current_code(alice)
        post_password(client, "alice")
        assert client.post(VERIFY, {"code": code}).status_code == 302
        client.post(reverse("accounts:logout"))
        post_password(client, "alice")
        response = client.post(VERIFY, {"code": code})
        assert response.status_code == 200
        assert b"already used" in response.content

    def test_it_needs_the_password_step_first(self, client, alice):
        response = client.post(VERIFY, {"code": current_code(alice)})
        assert response.status_code == 302
        assert response["Location"].startswith("/en/staff/login/")

    def test_the_password_step_expires(self, client, alice):
        post_password(client, "alice")
        session = client.session
        session["haven_pending_login"]["at"] -= 301
        session.save()
        response = client.post(VERIFY, {"code": current_code(alice)})
        assert response["Location"].startswith("/en/staff/login/")
        assert client.get(HOME).status_code == 302


@pytest.mark.django_db
class TestLockout:
    def test_it_locks_after_five_wrong_passwords(self, client, alice):
        for _ in range(4):
            assert post_password(client, "alice", "wrong").status_code == 200
        response = post_password(client, "alice", "wrong")
        assert response.status_code == 429
        # Even the right password is refused while locked.
        response = post_password(client, "alice")
        assert response.status_code == 429
        assert b"too many wrong attempts" in response.content
        assert Event.objects.filter(action="auth.lockout", actor_id=alice.pk).count() == 1

    def test_wrong_codes_count_too(self, client, alice):
        post_password(client, "alice")
        wrong = f"{(int(current_code(alice)) + 5) % 1000000:06d}"
        for _ in range(4):
            assert client.post(VERIFY, {"code": wrong}).status_code == 200
        response = client.post(VERIFY, {"code": wrong})
        assert response.status_code == 429
        assert client.post(VERIFY, {"code": current_code(alice)}).status_code == 302
        assert client.get(HOME).status_code == 302

    def test_unknown_usernames_are_locked_alike(self, client):
        for _ in range(5):
            response = post_password(client, "nobody", "wrong")
        assert response.status_code == 429

    def test_a_success_resets_the_count(self, client, dave):
        for _ in range(4):
            post_password(client, "dave", "wrong")
        assert post_password(client, "dave").status_code == 302
        client.post(reverse("accounts:logout"))
        for _ in range(4):
            assert post_password(client, "dave", "wrong").status_code == 200


@pytest.mark.django_db
class TestSessions:
    def test_logout_needs_post(self, client, dave):
        post_password(client, "dave")
        assert client.get("/en/staff/logout/").status_code == 405
        response = client.post("/en/staff/logout/")
        assert response.status_code == 302
        assert client.get(HOME).status_code == 302
        assert Event.objects.filter(action="auth.logout", actor_id=dave.pk).exists()

    def test_logout_enforces_csrf(self, csrf_client, dave):
        csrf_client.force_login(dave)
        assert csrf_client.post("/en/staff/logout/").status_code == 403
        assert csrf_client.get(HOME).status_code == 200

    def test_an_idle_session_ends(self, client, dave, settings):
        post_password(client, "dave")
        session = client.session
        assert session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 30 * 60
        # Each request pushes the expiry forward; a session idle past it is gone.
        from django.contrib.sessions.models import Session

        Session.objects.filter(session_key=session.session_key).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )
        response = client.get(HOME)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)

    def test_activity_extends_the_session(self, client, dave):
        from django.contrib.sessions.models import Session

        post_password(client, "dave")
        key = client.session.session_key
        Session.objects.filter(session_key=key).update(
            expire_date=timezone.now() + timedelta(minutes=1)
        )
        client.get(HOME)
        assert Session.objects.get(session_key=key).expire_date > timezone.now() + timedelta(
            minutes=29
        )


@pytest.mark.django_db
def test_a_correct_password_does_not_reset_the_count_of_wrong_codes(client, alice):
    """Otherwise whoever knows the password could guess codes forever, signing in again each time."""
    wrong = f"{(int(current_code(alice)) + 7) % 1000000:06d}"
    for _ in range(2):
        post_password(client, "alice")
        for _ in range(2):
            assert client.post(VERIFY, {"code": wrong}).status_code == 200
    post_password(client, "alice")
    assert client.post(VERIFY, {"code": wrong}).status_code == 429
    assert post_password(client, "alice").status_code == 429


@pytest.mark.django_db
def test_an_oversized_form_is_refused(client):
    response = client.post(LOGIN, {"username": "alice", "password": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert b"too large" in response.content
    assert not Event.objects.filter(action="auth.login_failed").exists()


@pytest.mark.django_db
def test_too_many_fields_are_refused(client):
    data = {f"field{n}": "x" for n in range(300)}
    assert client.post(LOGIN, data).status_code == 413


STRANGER = {"REMOTE_ADDR": "203.0.113.9"}
MEMBER = {"REMOTE_ADDR": "198.51.100.4"}


def attempt(client, username, password=PASSWORD, **client_address):
    return client.post(LOGIN, {"username": username, "password": password}, **client_address)


def let_the_wait_pass(username):
    """Move the last failure back in time, as if the member had waited."""
    from django.core.cache import cache

    from haven.accounts.throttle import _name

    failures, last = cache.get(_name(username))
    cache.set(_name(username), (failures, last - 120), timeout=900)


@pytest.mark.django_db
class TestStrangersCannotLockMembersOut:
    def test_a_strangers_failures_do_not_lock_the_member_elsewhere(self, client, dave):
        for _ in range(4):
            assert attempt(client, "dave", "wrong", **STRANGER).status_code == 200
        assert attempt(client, "dave", "wrong", **STRANGER).status_code == 429
        let_the_wait_pass("dave")
        # The stranger is locked out for the cool-off, right password or not.
        assert attempt(client, "dave", **STRANGER).status_code == 429
        let_the_wait_pass("dave")
        member = type(client)()
        response = member.post(LOGIN, {"username": "dave", "password": PASSWORD}, **MEMBER)
        assert response.status_code == 302 and response["Location"] == HOME

    def test_failures_from_many_clients_slow_down_the_username(self, client, dave):
        for number in range(5):
            address = {"REMOTE_ADDR": f"203.0.113.{number + 1}"}
            assert attempt(client, "dave", "wrong", **address).status_code == 200
        # A sixth client, even with the right password, waits: guessing stays slow.
        response = attempt(client, "dave", **MEMBER)
        assert response.status_code == 429
        assert int(response["Retry-After"]) == 1
        assert b"Please wait 1 second" in response.content
        let_the_wait_pass("dave")
        assert attempt(client, "dave", "wrong", **MEMBER).status_code == 200
        # Each further failure doubles the wait, up to a minute.
        assert int(attempt(client, "dave", **MEMBER)["Retry-After"]) == 2

    def test_wrong_codes_slow_down_the_username_too(self, client, alice):
        wrong = f"{(int(current_code(alice)) + 5) % 1000000:06d}"
        for number in range(5):
            other = type(client)()
            address = {"REMOTE_ADDR": f"203.0.113.{number + 1}"}
            other.post(LOGIN, {"username": "alice", "password": PASSWORD}, **address)
            assert other.post(VERIFY, {"code": wrong}, **address).status_code == 200
        # The password step waits too: codes and passwords count toward the same username.
        assert attempt(client, "alice", **MEMBER).status_code == 429
        let_the_wait_pass("alice")
        assert attempt(client, "alice", **MEMBER).status_code == 302
        wrong_again = client.post(VERIFY, {"code": wrong}, **MEMBER)
        assert wrong_again.status_code == 200
        response = client.post(VERIFY, {"code": current_code(alice)}, **MEMBER)
        assert response.status_code == 429 and int(response["Retry-After"]) == 2


@pytest.mark.django_db
class TestFailuresAreTold:
    def test_the_member_is_told_at_the_next_sign_in(self, client, dave):
        for _ in range(3):
            attempt(client, "dave", "wrong", **STRANGER)
        member = type(client)()
        response = member.post(
            LOGIN, {"username": "dave", "password": PASSWORD}, follow=True, **MEMBER
        )
        assert b"There were 3 failed attempts to sign in to your account" in response.content
        dave.refresh_from_db()
        assert dave.failed_sign_ins == 0
        member.post(reverse("accounts:logout"))
        response = member.post(
            LOGIN, {"username": "dave", "password": PASSWORD}, follow=True, **MEMBER
        )
        assert b"failed attempt" not in response.content

    def test_the_administrator_sees_them_on_the_member_page(self, client, alice, oscar):
        from haven.conftest import sign_in

        attempt(client, "alice", "wrong", **STRANGER)
        attempt(client, "alice", "wrong", **STRANGER)
        admin = sign_in(type(client)(), oscar)
        response = admin.get(reverse("accounts:member", args=[alice.pk]))
        assert b"Failed sign-in attempts since their last sign-in: 2" in response.content
