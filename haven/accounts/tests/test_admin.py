import pytest

from haven.accounts.models import Organisation
from haven.audit.models import Event
from haven.conftest import sign_in


@pytest.mark.django_db
class TestAdminSite:
    def test_a_verified_system_administrator_gets_in(self, client, admin_user):
        response = sign_in(client, admin_user).get("/admin/")
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]

    def test_an_anonymous_visitor_is_sent_to_the_two_factor_login(self, client):
        response = client.get("/admin/", follow=True)
        assert response.redirect_chain[-1][0].startswith("/vi/staff/login/?next=")

    def test_a_system_administrator_without_the_second_factor_is_not_let_in(
        self, client, admin_user
    ):
        client.force_login(admin_user)
        response = client.get("/admin/", follow=True)
        assert response.redirect_chain[-1][0].startswith("/vi/staff/login/verify/?next=")
        assert b'name="code"' in response.content

    def test_other_roles_get_403(self, client, oscar):
        response = sign_in(client, oscar).get("/admin/", follow=True)
        assert response.status_code == 403

    def test_changing_an_organisation_is_audited(self, client, admin_user, hotline):
        sign_in(client, admin_user)
        response = client.post(
            f"/admin/accounts/organisation/{hotline.pk}/change/",
            {
                "name": "Hotline 111",
                "org_type": hotline.org_type,
                "country": "VN",
                "receives_public_reports": "on",
            },
        )
        assert response.status_code == 302
        hotline.refresh_from_db()
        assert hotline.name == "Hotline 111"
        event = Event.objects.get(action="organisation.changed")
        assert event.summary == {"fields": ["name"]} and event.actor_id == admin_user.pk

    def test_adding_an_organisation_is_audited(self, client, admin_user):
        sign_in(client, admin_user)
        response = client.post(
            "/admin/accounts/organisation/add/",
            {"name": "Legal Aid KH", "org_type": "LegalService", "country": "KH"},
        )
        assert response.status_code == 302
        organisation = Organisation.objects.get(name="Legal Aid KH")
        event = Event.objects.filter(action="organisation.created").latest("seq")
        assert event.object_id == str(organisation.pk) and event.actor_id == admin_user.pk

    def test_audit_events_cannot_be_edited_there(self, client, admin_user):
        sign_in(client, admin_user)
        event = Event.objects.order_by("seq").first()
        response = client.post(f"/admin/audit/event/{event.pk}/change/", {"action": "x"})
        assert response.status_code in (403, 200)
        assert Event.objects.get(pk=event.pk).action == event.action
        assert (
            client.post(f"/admin/audit/event/{event.pk}/delete/", {"post": "yes"}).status_code
            == 403
        )
