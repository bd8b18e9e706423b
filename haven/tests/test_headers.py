"""Headers on every response, and no trace of the visitor's address or browser anywhere."""

import logging

import pytest
from django.apps import apps
from django.db import connection

from haven.accounts.services import create_api_token
from haven.conftest import PASSWORD, sign_in

PAGES = ["/vi/", "/en/", "/en/staff/login/", "/healthz", "/api/v1/openapi.json", "/vi/nothing/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "http" not in csp  # no other origin, ever
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_redirects_carry_them_too(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in response


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/en/staff/", "/en/staff/tokens/", "/admin/"])
def test_staff_pages_are_never_stored(client, admin_user, path):
    response = sign_in(client, admin_user).get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_public_pages_set_no_cookie(client):
    response = client.get("/vi/")
    assert len(response.cookies) == 0


@pytest.mark.django_db
def test_the_csrf_cookie_ends_with_the_browser_session(client):
    response = client.get("/en/staff/login/")
    cookie = response.cookies["csrftoken"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"]


ADDRESS = "203.0.113.99"
FORWARDED = "198.51.100.23"
AGENT = "PrivacyProbe/7.7"


def database_text() -> str:
    """Every row of every table, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            cursor.execute(f'SELECT * FROM "{model._meta.db_table}"')
            chunks.extend(str(row) for row in cursor.fetchall())
    return "\n".join(chunks)


@pytest.mark.django_db
def test_no_address_or_user_agent_is_stored_or_logged(client, alice, dave, caplog):
    caplog.set_level(logging.DEBUG)
    headers = {"User-Agent": AGENT, "X-Forwarded-For": FORWARDED, "X-Real-IP": FORWARDED}
    client.defaults["REMOTE_ADDR"] = ADDRESS
    client.get("/vi/", headers=headers)
    client.post("/en/staff/login/", {"username": "dave", "password": PASSWORD}, headers=headers)
    client.post("/en/staff/logout/", headers=headers)
    for _ in range(6):  # wrong passwords, then a lockout
        client.post("/en/staff/login/", {"username": "alice", "password": "no"}, headers=headers)
    for _ in range(2):  # a password typed into the username field
        client.post(
            "/en/staff/login/", {"username": "Typed-Password-42!", "password": "x"}, headers=headers
        )
    _, secret = create_api_token(dave, actor=dave, name="probe")
    client.get("/api/v1/me", headers={**headers, "Authorization": f"Bearer {secret}"})
    client.get("/api/v1/me", headers={**headers, "Authorization": "Bearer wrong"})
    client.get("/vi/missing/", headers=headers)
    from haven.lib.public_forms import form_token

    client.post(
        "/vi/report/new/",
        {
            "form_token": form_token(),
            "description": "probe report",
            "country": "VN",
            "children_involved": "unknown",
        },
        headers=headers,
    )
    client.post(
        "/vi/report/follow-up/",
        {"form_token": form_token(), "receipt": "1111222233334444"},
        headers=headers,
    )

    stored = database_text()
    assert "auth.lockout" in stored and "report.received" in stored  # the probe reached the tables
    assert "Typed-Password-42!" not in stored and "Typed-Password-42!" not in caplog.text
    for trace in (ADDRESS, FORWARDED, AGENT):
        assert trace not in stored
        assert trace not in caplog.text
