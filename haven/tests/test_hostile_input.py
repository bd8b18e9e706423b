"""NUL characters and deeply nested JSON: a clear 422 / 400 naming the field, never a 500."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from haven.accounts.services import create_api_token
from haven.conftest import sign_in
from haven.lib.input_checks import MAX_JSON_DEPTH, json_depth, json_has_nul


@pytest.fixture
def token(alice):
    _, secret = create_api_token(alice, actor=alice, name="probe")
    return {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}


@pytest.mark.django_db
class TestNul:
    def test_the_api_refuses_a_nul_in_the_query(self, client, token):
        response = client.get("/api/v1/cases?status=all&q=abc%00def", headers=token)
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "q", "message": "must not contain the NUL character"}
        ]

    def test_a_staff_page_refuses_a_nul_in_the_query(self, client, alice):
        response = sign_in(client, alice).get("/en/staff/cases/?status=all&q=abc%00def")
        assert response.status_code == 400
        assert b"NUL" in response.content and b"q" in response.content

    def test_the_api_refuses_a_nul_in_a_json_string(self, client):
        body = json.dumps({"country": "VN", "description": "abc\x00def"})
        response = client.post("/api/v1/reports", body, content_type="application/json")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "body"

    def test_the_api_refuses_a_nul_in_a_form_field(self, client):
        response = client.post("/api/v1/reports", {"country": "VN", "description": "a\x00b"})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "description"

    def test_a_public_form_shows_a_form_error(self, client):
        from haven.lib.public_forms import form_token

        response = client.post(
            "/en/report/new/",
            {
                "form_token": form_token(),
                "description": "a\x00b",
                "country": "VN",
                "children_involved": "unknown",
            },
        )
        assert response.status_code in (200, 422)
        assert b"Null characters are not allowed" in response.content

    def test_an_escaped_backslash_before_u0000_is_not_a_nul(self):
        assert json_has_nul(json.dumps({"a": "x\x00"}).encode())
        assert not json_has_nul(json.dumps({"a": "\\u0000"}).encode())
        assert json_has_nul(json.dumps({"a": "\\\x00"}).encode())


@pytest.mark.django_db
class TestDeepJson:
    def test_the_import_refuses_50000_brackets(self, client, token):
        response = client.post(
            "/api/v1/cases/import", "[" * 50_000, content_type="application/json", headers=token
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "body", "message": f"is nested deeper than {MAX_JSON_DEPTH} levels"}
        ]

    def test_the_import_refuses_them_in_a_file_too(self, client, token):
        upload = SimpleUploadedFile("cases.json", b"[" * 50_000, "application/json")
        response = client.post("/api/v1/cases/import", {"file": upload}, headers=token)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "file"

    def test_every_file_of_a_field_is_checked(self, client, token):
        deep = SimpleUploadedFile("a.json", b"[" * 50_000, "application/json")
        plain = SimpleUploadedFile("b.json", b"[]", "application/json")
        response = client.post("/api/v1/cases/import", {"file": [deep, plain]}, headers=token)
        assert response.status_code == 422

    def test_any_json_endpoint_refuses_them(self, client):
        body = '{"a": ' * 10_000 + "1" + "}" * 10_000
        response = client.post("/api/v1/reports", body, content_type="application/json")
        assert response.status_code == 422

    def test_brackets_inside_strings_do_not_count(self):
        assert json_depth(json.dumps({"a": "[[[[[[" * 100, "b": [[1]]}).encode()) == 3
        assert json_depth(b'{"a": "\\"[[[["}') == 1
