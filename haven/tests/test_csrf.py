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
