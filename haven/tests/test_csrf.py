"""CSRF checks under `Referrer-Policy: no-referrer`, where browsers send `Origin: null`."""

import pytest
from django.test import Client

from haven.conftest import PASSWORD


def login_post(client, **headers):
    page = client.get("/en/staff/login/")
    token = page.cookies["csrftoken"].value
    return client.post(
        "/en/staff/login/",
        {"username": "dave", "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers=headers,
    )


@pytest.mark.django_db
class TestOrigin:
    def test_a_same_origin_post_with_a_null_origin_passes(self):
        client = Client(enforce_csrf_checks=True)
        response = login_post(client, Origin="null", **{"Sec-Fetch-Site": "same-origin"})
        assert response.status_code == 302

    def test_a_null_origin_from_an_older_browser_passes_on_the_token(self):
        client = Client(enforce_csrf_checks=True)
        assert login_post(client, Origin="null").status_code == 302

    @pytest.mark.parametrize("site", ["cross-site", "same-site", "none"])
    def test_a_null_origin_from_elsewhere_is_refused(self, site):
        client = Client(enforce_csrf_checks=True)
        response = login_post(client, Origin="null", **{"Sec-Fetch-Site": site})
        assert response.status_code == 403
        assert b"This form has expired" in response.content

    def test_another_origin_is_refused(self):
        client = Client(enforce_csrf_checks=True)
        assert login_post(client, Origin="https://evil.example").status_code == 403

    def test_the_token_is_still_required(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            "/en/staff/login/",
            {"username": "dave", "password": PASSWORD},
            headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
        )
        assert response.status_code == 403


def _forms(alice, oscar, bob, hotline, token):
    """(who, path, data) for every form that changes something."""
    return [
        (alice, "/en/staff/logout/", {}),
        (
            alice,
            "/en/staff/password/",
            {"old_password": PASSWORD, "new_password1": "x" * 20, "new_password2": "x" * 20},
        ),
        (alice, "/en/staff/tokens/", {"name": "t", "valid_days": "30"}),
        (alice, "/en/staff/two-factor/recovery-codes/", {}),
        (alice, f"/en/staff/tokens/{token.pk}/revoke/", {}),
        (
            oscar,
            f"/en/staff/organisations/{hotline.pk}/add/",
            {"username": "new", "role": "frontline"},
        ),
        (oscar, f"/en/staff/members/{bob.pk}/", {"role": "analyst", "is_active": "on"}),
        (oscar, f"/en/staff/members/{bob.pk}/reset-two-factor/", {}),
        (oscar, f"/en/staff/members/{bob.pk}/reset-password/", {}),
    ]


@pytest.mark.django_db
def test_every_form_enforces_csrf(alice, oscar, bob, hotline):
    from haven.accounts.services import create_api_token
    from haven.audit.models import Event
    from haven.conftest import sign_in

    token, _ = create_api_token(alice, actor=alice, name="x")
    before = Event.objects.count()
    for who, path, data in _forms(alice, oscar, bob, hotline, token):
        client = sign_in(Client(enforce_csrf_checks=True), who)
        response = client.post(path, data)
        assert response.status_code == 403, path
    # Nothing happened: no event, no change.
    assert Event.objects.count() == before
    bob.refresh_from_db()
    assert bob.role == "frontline"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/en/staff/login/", "/en/staff/login/verify/", "/en/staff/two-factor/"]
)
def test_sign_in_forms_enforce_csrf(path, alice):
    client = Client(enforce_csrf_checks=True)
    client.post("/en/staff/login/", {"username": "alice", "password": PASSWORD})
    response = client.post(path, {"username": "alice", "password": PASSWORD, "code": "123456"})
    assert response.status_code == 403
