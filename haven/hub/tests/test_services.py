"""Organisation administrators list services on the public help pages."""

import pytest
from django.test import Client

from haven.audit.models import Event
from haven.conftest import sign_in
from haven.hub.models import Service
from haven.hub.search import search
from haven.hub.services import create_service

SERVICES = "/en/staff/services/"
SHELTER = {
    "name": "Safe House Hanoi",
    "kind": "shelter",
    "country": "VN",
    "province": "Hà Nội",
    "description": "Emergency shelter for women and girls, with counselling.",
    "phone": "+84 24 1234 5678",
    "hours": "24 hours",
    "languages": "Vietnamese, English",
    "published": "on",
}


@pytest.fixture
def shelter(oscar):
    values = {**SHELTER, "published": True}
    return create_service(actor=oscar, organisation=oscar.organisation, **values)


@pytest.mark.django_db
class TestAddService:
    def test_an_administrator_adds_a_service(self, client, oscar):
        response = sign_in(client, oscar).post(f"{SERVICES}add/", SHELTER)
        assert response.status_code == 302
        service = Service.objects.get(name="Safe House Hanoi")
        assert service.organisation == oscar.organisation
        assert Event.objects.filter(action="service.created", object_id=str(service.pk)).exists()
        page = client.get("/vi/help/vn/").content.decode()
        assert "Safe House Hanoi" in page and 'href="tel:+842412345678"' in page
        assert search("safe house", "en").results[0].slug == str(service.pk)

    def test_a_bad_phone_number_is_refused(self, client, oscar):
        response = sign_in(client, oscar).post(
            f"{SERVICES}add/", {**SHELTER, "phone": "call me maybe"}
        )
        assert response.status_code == 200
        assert b"digits, spaces" in response.content
        assert not Service.objects.exists()

    def test_a_country_outside_asean_is_refused(self, client, oscar):
        response = sign_in(client, oscar).post(f"{SERVICES}add/", {**SHELTER, "country": "FR"})
        assert b"Select a valid choice" in response.content
        assert not Service.objects.exists()

    def test_a_case_manager_gets_403(self, client, alice):
        assert sign_in(client, alice).post(f"{SERVICES}add/", SHELTER).status_code == 403
        assert not Service.objects.exists()

    def test_it_requires_sign_in(self, client):
        assert client.get(f"{SERVICES}add/")["Location"].startswith("/en/staff/login/")

    def test_it_enforces_csrf(self, oscar):
        client = sign_in(Client(enforce_csrf_checks=True), oscar)
        assert client.post(f"{SERVICES}add/", SHELTER).status_code == 403
        assert not Service.objects.exists()


@pytest.mark.django_db
class TestEditService:
    def test_hiding_a_service_removes_it_from_the_public(self, client, oscar, shelter):
        response = sign_in(client, oscar).post(
            f"{SERVICES}{shelter.pk}/", {**SHELTER, "published": ""}
        )
        assert response.status_code == 302
        assert "Safe House Hanoi" not in client.get("/en/help/vn/").content.decode()
        assert str(shelter.pk) not in [r.slug for r in search("safe house", "en").results]
        assert Event.objects.get(action="service.changed").summary == {"fields": ["published"]}

    def test_the_list_shows_only_the_own_organisation(self, client, oscar, shelter, outsider_org):
        create_service(
            actor=None,
            organisation=outsider_org,
            **{**SHELTER, "name": "Elsewhere", "published": True},
        )
        html = sign_in(client, oscar).get(SERVICES).content.decode()
        assert "Safe House Hanoi" in html and "Elsewhere" not in html

    def test_an_outsider_gets_404(self, client, mallory, shelter):
        assert sign_in(client, mallory).get(f"{SERVICES}{shelter.pk}/").status_code == 404

    def test_a_teammate_without_the_role_gets_403(self, client, alice, shelter):
        assert sign_in(client, alice).get(f"{SERVICES}{shelter.pk}/").status_code == 403

    def test_a_malformed_id_is_404(self, client, oscar):
        assert sign_in(client, oscar).get(f"{SERVICES}not-a-uuid/").status_code == 404
