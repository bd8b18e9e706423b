"""Open data sets published to the public: readable without a token, suppressed as the cases."""

import pytest
from django.core.management import call_command

from haven.accounts.services import create_api_token
from haven.audit.models import Event
from haven.conftest import sign_in
from haven.stats.models import Source
from haven.stats.tests.conftest import FIXTURES
from haven.stats.tests.records import make_source, repeat

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}
ROWS = (
    repeat(30, gender="Female", isForcedLabour=True)
    + repeat(20, gender="Male")
    + repeat(4, gender="Transgender/NonConforming")
)


@pytest.fixture
def open_data():
    return make_source("ctdc-2021", ROWS, tallied=True)


def publish(source):
    Source.objects.filter(pk=source.pk).update(published=True)


def admin_action(client, action, source):
    return client.post(
        "/admin/stats/source/",
        {"action": action, "_selected_action": [source.pk]},
        follow=True,
    )


class TestUnpublished:
    def test_the_api_answers_404_to_the_public(self, client, open_data):
        response = client.get("/api/v1/stats?source=ctdc-2021&by=gender", headers=EN)
        assert response.status_code == 404
        assert "Female" not in response.content.decode()

    def test_a_source_that_does_not_exist_is_the_same_404(self, client, open_data):
        assert client.get("/api/v1/stats?source=nothing&by=gender").status_code == 404

    def test_the_page_and_its_csv_are_404(self, client, open_data):
        assert client.get("/en/stats/?source=ctdc-2021").status_code == 404
        assert client.get("/en/stats/figure.csv?source=ctdc-2021&by=gender").status_code == 404

    def test_it_is_not_listed_for_the_public(self, client, open_data):
        names = [s["name"] for s in client.get("/api/v1/stats/sources").json()]
        assert "ctdc-2021" not in names

    def test_staff_still_read_it(self, client, dave, open_data):
        secret = create_api_token(dave, actor=dave, name="t")[1]
        response = client.get(
            "/api/v1/stats?source=ctdc-2021&by=gender",
            headers={"Authorization": f"Bearer {secret}", **EN},
        )
        assert response.status_code == 200 and response.json()["denominator"] == 54


class TestPublished:
    def test_the_api_answers_without_a_token_with_small_cells_hidden(self, client, open_data):
        publish(open_data)
        response = client.get("/api/v1/stats?source=ctdc-2021&by=gender", headers=EN)
        assert response.status_code == 200
        body = response.json()
        assert body["source"] == "ctdc-2021" and body["denominator"] == 54
        cells = {cell["gender"]: cell for cell in body["cells"]}
        assert cells["Female"] == {"gender": "Female", "count": 30, "suppressed": False}
        # The four, and the twenty that would give them away through the total.
        small = {"gender": "Transgender/NonConforming", "count": None, "suppressed": True}
        assert cells["Transgender/NonConforming"] == small
        assert cells["Male"] == {"gender": "Male", "count": None, "suppressed": True}

    def test_every_variable_of_its_format_is_open(self, client, open_data):
        publish(open_data)
        response = client.get("/api/v1/stats?source=ctdc-2021&by=isForcedLabour", headers=EN)
        assert response.status_code == 200
        assert {c["isForcedLabour"]: c["count"] for c in response.json()["cells"]} == {"1": 30}
        # Haven's own cases still publish only their chosen variables.
        assert client.get("/api/v1/stats?by=isForcedLabour").status_code == 422

    def test_the_public_still_cannot_filter(self, client, open_data):
        publish(open_data)
        response = client.get("/api/v1/stats?source=ctdc-2021&by=gender&isForcedLabour=1")
        assert response.status_code == 422

    def test_the_page_shows_it_with_the_same_suppression(self, client, open_data):
        publish(open_data)
        response = client.get("/en/stats/?source=ctdc-2021")
        assert response.status_code == 200
        html = response.content.decode()
        assert "CTDC global k-anonymised data set (ctdc-2021)" in html
        assert ">30<" in html and "&lt;10" in html and ">4<" not in html
        assert "figure.csv?source=ctdc-2021&amp;by=gender" in html

    def test_the_page_names_it_in_vietnamese(self, client, open_data):
        publish(open_data)
        html = client.get("/vi/stats/?source=ctdc-2021").content.decode()
        assert "Bộ dữ liệu" in html and "(ctdc-2021)" in html

    def test_the_cases_page_links_to_it(self, client, open_data):
        publish(open_data)
        html = client.get("/en/stats/").content.decode()
        assert 'href="/en/stats/?source=ctdc-2021"' in html

    def test_the_csv(self, client, open_data):
        publish(open_data)
        response = client.get("/en/stats/figure.csv?source=ctdc-2021&by=gender")
        assert response.status_code == 200
        assert "Female,30,false" in response.content.decode()
        assert "Transgender/NonConforming,,true" in response.content.decode()

    def test_it_is_listed_for_the_public(self, client, open_data):
        publish(open_data)
        body = client.get("/api/v1/stats/sources", headers=EN).json()
        listed = {s["name"]: s for s in body}
        assert listed["ctdc-2021"]["rows"] == 54

    def test_a_withdrawn_source_is_gone_at_once_despite_the_cache(self, client, open_data):
        publish(open_data)
        assert client.get("/en/stats/?source=ctdc-2021").status_code == 200
        Source.objects.filter(pk=open_data.pk).update(published=False)
        assert client.get("/en/stats/?source=ctdc-2021").status_code == 404
        assert client.get("/api/v1/stats?source=ctdc-2021&by=gender").status_code == 404


class TestPublishing:
    def test_import_with_publish(self, client):
        call_command("import_ctdc", str(FIXTURES / "kanon_2020_comma.csv"), name="k", publish=True)
        assert Source.objects.get(name="k").published
        event = Event.objects.get(action="stats.source_published")
        assert event.summary["source"] == "k" and event.summary["via"] == "import"
        assert client.get("/api/v1/stats?source=k&by=gender").status_code == 200

    def test_import_without_publish_keeps_it_for_staff(self, client):
        call_command("import_ctdc", str(FIXTURES / "kanon_2020_comma.csv"), name="k")
        assert not Source.objects.get(name="k").published
        assert not Event.objects.filter(action="stats.source_published").exists()
        assert client.get("/api/v1/stats?source=k&by=gender").status_code == 404

    def test_replacing_without_publish_withdraws(self, client):
        path = str(FIXTURES / "kanon_2020_comma.csv")
        call_command("import_ctdc", path, name="k", publish=True)
        call_command("import_ctdc", path, name="k", replace=True)
        assert not Source.objects.get(name="k").published

    def test_an_administrator_publishes_and_withdraws_audited(self, client, admin_user, open_data):
        sign_in(client, admin_user)
        response = admin_action(client, "publish", open_data)
        assert response.status_code == 200 and "Đã công bố 1 nguồn." in response.content.decode()
        open_data.refresh_from_db()
        assert open_data.published
        event = Event.objects.get(action="stats.source_published")
        assert event.actor_id == admin_user.pk and event.object_id == str(open_data.pk)
        assert client.get("/api/v1/stats?source=ctdc-2021&by=gender").status_code == 200
        admin_action(client, "withdraw", open_data)
        open_data.refresh_from_db()
        assert not open_data.published
        event = Event.objects.get(action="stats.source_withdrawn")
        assert event.actor_id == admin_user.pk and event.summary["via"] == "admin"
        client.logout()
        assert client.get("/api/v1/stats?source=ctdc-2021&by=gender").status_code == 404

    def test_publishing_twice_records_one_event(self, client, admin_user, open_data):
        sign_in(client, admin_user)
        admin_action(client, "publish", open_data)
        admin_action(client, "publish", open_data)
        assert Event.objects.filter(action="stats.source_published").count() == 1

    def test_other_roles_cannot(self, client, oscar, open_data):
        sign_in(client, oscar)
        response = client.post(
            "/admin/stats/source/",
            {"action": "publish", "_selected_action": [open_data.pk]},
            follow=True,
        )
        assert response.status_code == 403
        open_data.refresh_from_db()
        assert not open_data.published

    def test_the_public_is_sent_to_sign_in(self, client, open_data):
        response = client.post(
            "/admin/stats/source/", {"action": "publish", "_selected_action": [open_data.pk]}
        )
        assert response.status_code == 302
        open_data.refresh_from_db()
        assert not open_data.published

    def test_csrf_is_enforced(self, admin_user, open_data):
        from django.test import Client

        client = sign_in(Client(enforce_csrf_checks=True), admin_user)
        response = admin_action(client, "publish", open_data)
        assert response.status_code == 403
        open_data.refresh_from_db()
        assert not open_data.published
