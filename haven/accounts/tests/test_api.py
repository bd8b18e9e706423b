import pytest

from haven.accounts.services import create_api_token


def auth(user):
    _, secret = create_api_token(user, actor=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.django_db
class TestMe:
    def test_it_says_who_the_token_belongs_to(self, client, alice, hotline):
        response = client.get("/api/v1/me", headers=auth(alice))
        assert response.status_code == 200
        assert response.json() == {
            "username": "alice",
            "name": "Alice Nguyen",
            "role": "case_manager",
            "capabilities": [
                "case.read",
                "case.refer",
                "case.write",
                "report.triage",
                "screening.use",
            ],
            "organisation": {
                "id": str(hotline.pk),
                "name": "Hotline VN",
                "org_type": "CentralGovernmentOrganisation",
                "country": "VN",
                "receives_public_reports": True,
            },
        }
        assert response["Cache-Control"] == "no-store"

    def test_an_analyst_has_aggregates_only(self, client, dave):
        assert client.get("/api/v1/me", headers=auth(dave)).json()["capabilities"] == [
            "commitment.validate",
            "consult.manage",
            "content.review",
            "stats.read",
        ]

    def test_a_system_administrator_has_no_organisation(self, client, admin_user):
        body = client.get("/api/v1/me", headers=auth(admin_user)).json()
        assert body["organisation"] is None and "system.admin" in body["capabilities"]

    def test_a_session_is_not_enough(self, client, alice):
        client.force_login(alice)
        assert client.get("/api/v1/me").status_code == 401


@pytest.mark.django_db
class TestOrganisation:
    def test_a_member_sees_their_organisation(self, client, alice, hotline):
        response = client.get(f"/api/v1/organisations/{hotline.pk}", headers=auth(alice))
        assert response.status_code == 200 and response.json()["name"] == "Hotline VN"

    def test_an_outsider_gets_404(self, client, mallory, hotline):
        headers = {**auth(mallory), "Accept-Language": "en"}
        response = client.get(f"/api/v1/organisations/{hotline.pk}", headers=headers)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "errors": []}

    def test_a_bad_id_gets_404(self, client, alice):
        response = client.get("/api/v1/organisations/not-a-uuid", headers=auth(alice))
        assert response.status_code == 404

    def test_a_system_administrator_sees_any(self, client, admin_user, hotline):
        response = client.get(f"/api/v1/organisations/{hotline.pk}", headers=auth(admin_user))
        assert response.status_code == 200


@pytest.mark.django_db
class TestDocuments:
    def test_the_openapi_document_lists_the_endpoints(self, client):
        document = client.get("/api/v1/openapi.json").json()
        assert document["info"]["title"] == "Haven API"
        assert "/api/v1/me" in document["paths"]

    def test_the_interactive_docs_load_nothing_from_elsewhere(self, client):
        response = client.get("/api/v1/docs")
        assert response.status_code == 200
        html = response.content.decode()
        assert "/static/ninja/swagger-ui-bundle.js" in html
        assert "http://" not in html and "https://" not in html and "//cdn" not in html
        assert "default-src 'self'" in response["Content-Security-Policy"]

    def test_an_unknown_endpoint_is_404_json(self, client, alice):
        response = client.get(
            "/api/v1/nothing-here", headers={**auth(alice), "Accept-Language": "en"}
        )
        assert response.status_code == 404
        assert response.json() == {"detail": "There is nothing at this address.", "errors": []}

    def test_errors_speak_the_callers_language(self, client, mallory, hotline):
        headers = {**auth(mallory), "Accept-Language": "vi"}
        response = client.get(f"/api/v1/organisations/{hotline.pk}", headers=headers)
        assert response.json()["detail"] == "Không tìm thấy."
        response = client.get("/api/v1/me", headers={"Accept-Language": "vi"})
        assert "Bearer" in response.json()["detail"] and "API" in response.json()["detail"]
