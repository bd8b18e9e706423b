from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from haven.accounts.models import ApiToken, hash_token
from haven.accounts.services import create_api_token
from haven.audit.models import Event
from haven.conftest import sign_in

TOKENS = "/en/staff/tokens/"


def get_me(client, token):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


@pytest.mark.django_db
class TestTokenPage:
    def test_it_makes_a_token_shown_once(self, client, alice):
        sign_in(client, alice)
        response = client.post(TOKENS, {"name": "exports", "valid_days": "30"})
        assert response.status_code == 200
        token = ApiToken.objects.get(user=alice, name="exports")
        secret = response.context["new_token"]
        assert secret.startswith("hvn_") and len(secret) > 40
        assert token.digest == hash_token(secret) and secret not in token.digest
        assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
        assert get_me(client, secret).json()["username"] == "alice"
        # Shown once: the list page does not show it again.
        assert secret.encode() not in client.get(TOKENS).content
        assert Event.objects.filter(action="token.created", actor_id=alice.pk).exists()

    def test_the_token_is_not_stored_in_clear(self, alice):
        _, secret = create_api_token(alice, actor=alice, name="x")
        with connection.cursor() as cursor:
            cursor.execute("SELECT digest, hint, name FROM accounts_apitoken")
            rows = cursor.fetchall()
        assert all(secret not in str(row) for row in rows)

    def test_it_requires_a_name(self, client, alice):
        sign_in(client, alice)
        response = client.post(TOKENS, {"name": "", "valid_days": "30"})
        assert response.status_code == 200
        assert b"This field is required" in response.content
        assert not ApiToken.objects.filter(user=alice).exists()

    def test_it_refuses_an_unknown_validity(self, client, alice):
        sign_in(client, alice)
        response = client.post(TOKENS, {"name": "x", "valid_days": "7000"})
        assert b"Select a valid choice" in response.content
        assert not ApiToken.objects.filter(user=alice).exists()

    def test_it_revokes(self, client, alice):
        token, secret = create_api_token(alice, actor=alice, name="x")
        sign_in(client, alice)
        response = client.post(f"{TOKENS}{token.pk}/revoke/")
        assert response.status_code == 302
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert get_me(client, secret).status_code == 401

    def test_it_does_not_revoke_someone_elses_token(self, client, alice, mallory):
        token, secret = create_api_token(alice, actor=alice, name="x")
        sign_in(client, mallory)
        assert client.post(f"{TOKENS}{token.pk}/revoke/").status_code == 404
        assert get_me(client, secret).status_code == 200

    def test_revoke_enforces_csrf(self, csrf_client, alice):
        token, _ = create_api_token(alice, actor=alice, name="x")
        sign_in(csrf_client, alice)
        assert csrf_client.post(f"{TOKENS}{token.pk}/revoke/").status_code == 403
        token.refresh_from_db()
        assert token.revoked_at is None

    def test_it_requires_sign_in(self, client):
        assert client.get(TOKENS)["Location"].startswith("/en/staff/login/")


@pytest.mark.django_db
class TestTokenAuthentication:
    def test_an_expired_token_is_refused(self, client, alice):
        token, secret = create_api_token(alice, actor=alice, name="x", valid_days=1)
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        assert get_me(client, secret).status_code == 401

    def test_a_deactivated_users_token_is_refused(self, client, alice):
        _, secret = create_api_token(alice, actor=alice, name="x")
        alice.is_active = False
        alice.save(update_fields=["is_active"])
        assert get_me(client, secret).status_code == 401

    @pytest.mark.parametrize(
        "header",
        ["", "Bearer", "Bearer ", "Bearer nonsense", "Token hvn_abc", "Bearer hvn_" + "x" * 200],
    )
    def test_malformed_headers_are_refused(self, client, header):
        headers = {"Authorization": header} if header else {}
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        body = response.json()
        assert "Bearer" in body["detail"] and body["errors"] == []

    def test_it_records_when_it_was_last_used(self, client, alice):
        token, secret = create_api_token(alice, actor=alice, name="x")
        assert token.last_used_at is None
        get_me(client, secret)
        token.refresh_from_db()
        assert token.last_used_at is not None


@pytest.mark.django_db
class TestCreateTokenCommand:
    def test_it_prints_a_working_token(self, client, bob):
        out = StringIO()
        call_command("create_token", "bob", "--days", "10", stdout=out)
        secret = out.getvalue().strip()
        assert get_me(client, secret).json()["username"] == "bob"
        assert ApiToken.objects.get(user=bob).expires_at is not None

    def test_it_refuses_an_unknown_user(self):
        with pytest.raises(CommandError, match="No active user named 'ghost'"):
            call_command("create_token", "ghost")
        assert not ApiToken.objects.exists()

    def test_it_refuses_a_bad_lifetime(self):
        with pytest.raises(CommandError, match="--days"):
            call_command("create_token", "bob", "--days", "0")
        assert not ApiToken.objects.exists()
