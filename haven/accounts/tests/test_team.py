import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import Event
from haven.conftest import sign_in


def org_url(org):
    return f"/en/staff/organisations/{org.pk}/"


def member_url(member):
    return f"/en/staff/members/{member.pk}/"


NEW_MEMBER = {
    "username": "linh",
    "first_name": "Linh",
    "last_name": "Do",
    "email": "",
    "role": "frontline",
}


@pytest.mark.django_db
class TestOrganisationPage:
    def test_a_member_sees_the_team(self, client, bob, hotline):
        response = sign_in(client, bob).get(org_url(hotline))
        assert response.status_code == 200
        assert b"alice" in response.content and b"oscar" in response.content
        assert b"Add a member" not in response.content
        assert (
            response["Cache-Control"].startswith("max-age=0")
            or "no-store" in response["Cache-Control"]
        )

    def test_an_administrator_sees_the_management_links(self, client, oscar, hotline):
        response = sign_in(client, oscar).get(org_url(hotline))
        assert b"Add a member" in response.content

    def test_an_outsider_gets_404(self, client, mallory, hotline):
        assert sign_in(client, mallory).get(org_url(hotline)).status_code == 404

    def test_an_unknown_organisation_is_404(self, client, alice):
        response = sign_in(client, alice).get(
            "/en/staff/organisations/00000000-0000-0000-0000-000000000000/"
        )
        assert response.status_code == 404

    def test_it_requires_sign_in(self, client, hotline):
        assert client.get(org_url(hotline))["Location"].startswith("/en/staff/login/")

    def test_it_requires_the_second_factor(self, client, alice, hotline):
        client.force_login(alice)  # password only
        response = client.get(org_url(hotline))
        assert response.status_code == 302
        assert response["Location"].startswith("/en/staff/login/verify/")


@pytest.mark.django_db
class TestAddMember:
    def test_an_administrator_adds_a_member(self, client, oscar, hotline):
        sign_in(client, oscar)
        response = client.post(f"{org_url(hotline)}add/", NEW_MEMBER)
        assert response.status_code == 200
        member = User.objects.get(username="linh")
        assert member.organisation == hotline and member.role == Role.FRONTLINE
        password = response.context["password"]
        assert member.check_password(password)
        assert member.password.startswith("argon2$argon2id$")
        event = Event.objects.get(action="user.created", object_id=str(member.pk))
        assert event.actor_id == oscar.pk and event.summary == {"role": "frontline"}

    def test_a_duplicate_username_is_refused(self, client, oscar, hotline):
        sign_in(client, oscar)
        before = (User.objects.count(), Event.objects.count())
        response = client.post(f"{org_url(hotline)}add/", {**NEW_MEMBER, "username": "alice"})
        assert response.status_code == 200
        assert b"A user with that username already exists" in response.content
        assert (User.objects.count(), Event.objects.count()) == before

    def test_an_administrator_cannot_make_a_system_administrator(self, client, oscar, hotline):
        sign_in(client, oscar)
        response = client.post(f"{org_url(hotline)}add/", {**NEW_MEMBER, "role": "sysadmin"})
        assert b"Select a valid choice" in response.content
        assert not User.objects.filter(username="linh").exists()

    def test_a_case_manager_gets_403(self, client, alice, hotline):
        response = sign_in(client, alice).post(f"{org_url(hotline)}add/", NEW_MEMBER)
        assert response.status_code == 403
        assert not User.objects.filter(username="linh").exists()

    def test_an_outsider_gets_404(self, client, mallory, hotline):
        response = sign_in(client, mallory).post(f"{org_url(hotline)}add/", NEW_MEMBER)
        assert response.status_code == 404

    def test_it_enforces_csrf(self, csrf_client, oscar, hotline):
        response = sign_in(csrf_client, oscar).post(f"{org_url(hotline)}add/", NEW_MEMBER)
        assert response.status_code == 403
        assert not User.objects.filter(username="linh").exists()


@pytest.mark.django_db
class TestChangeMember:
    def change(self, member, **values):
        data = {
            "first_name": member.first_name,
            "last_name": member.last_name,
            "email": member.email,
            "role": member.role,
            "is_active": "on" if member.is_active else "",
        }
        data.update(values)
        return {key: value for key, value in data.items() if value != ""}

    def test_it_changes_a_role(self, client, oscar, bob):
        sign_in(client, oscar)
        response = client.post(member_url(bob), self.change(bob, role="case_manager"))
        assert response.status_code == 302
        bob.refresh_from_db()
        assert bob.role == Role.CASE_MANAGER
        event = Event.objects.get(action="user.changed", object_id=str(bob.pk))
        assert event.summary == {"fields": ["role"], "role": "case_manager"}

    def test_it_deactivates(self, client, oscar, bob):
        sign_in(client, oscar)
        client.post(member_url(bob), self.change(bob, is_active=""))
        bob.refresh_from_db()
        assert bob.is_active is False
        assert Event.objects.get(action="user.changed").summary["is_active"] is False

    def test_an_administrator_cannot_deactivate_themself(self, client, oscar):
        sign_in(client, oscar)
        response = client.post(member_url(oscar), self.change(oscar, is_active=""))
        assert response.status_code == 200
        assert b"You cannot deactivate your own account" in response.content
        oscar.refresh_from_db()
        assert oscar.is_active and not Event.objects.filter(action="user.changed").exists()

    def test_an_unchanged_form_records_nothing(self, client, oscar, bob):
        sign_in(client, oscar)
        client.post(member_url(bob), self.change(bob))
        assert not Event.objects.filter(action="user.changed").exists()

    def test_a_teammate_without_the_role_gets_403(self, client, alice, bob):
        response = sign_in(client, alice).post(member_url(bob), self.change(bob, role="analyst"))
        assert response.status_code == 403
        bob.refresh_from_db()
        assert bob.role == Role.FRONTLINE

    def test_an_outsider_gets_404(self, client, mallory, bob):
        assert sign_in(client, mallory).get(member_url(bob)).status_code == 404

    def test_it_resets_two_factor(self, client, oscar, bob):
        sign_in(client, oscar)
        response = client.post(f"{member_url(bob)}reset-two-factor/")
        assert response.status_code == 302
        assert not TOTPDevice.objects.filter(user=bob).exists()
        assert Event.objects.get(action="user.two_factor_reset").summary == {"devices_removed": 1}

    def test_reset_two_factor_needs_post(self, client, oscar, bob):
        sign_in(client, oscar)
        assert client.get(f"{member_url(bob)}reset-two-factor/").status_code == 405
        assert TOTPDevice.objects.filter(user=bob).exists()

    def test_it_sets_a_temporary_password(self, client, oscar, bob):
        sign_in(client, oscar)
        response = client.post(f"{member_url(bob)}reset-password/")
        bob.refresh_from_db()
        assert bob.check_password(response.context["password"])
        assert Event.objects.filter(action="user.password_set", object_id=str(bob.pk)).exists()


@pytest.mark.django_db
class TestResetsRevokeTokens:
    """Whoever reset a member's sign-in (a lost phone, a leaked password) must not keep API access
    through a token made before."""

    def token_works(self, client, secret) -> bool:
        return (
            client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code
            == 200
        )

    @pytest.mark.parametrize("reset", ["reset-password/", "reset-two-factor/"])
    def test_an_administrators_reset_revokes_the_members_tokens(self, client, oscar, bob, reset):
        from haven.accounts.services import create_api_token

        _, secret = create_api_token(bob, actor=bob, name="laptop")
        _, oscars = create_api_token(oscar, actor=oscar, name="own")
        assert self.token_works(client, secret)
        sign_in(client, oscar).post(f"{member_url(bob)}{reset}")
        assert not self.token_works(client, secret)
        assert self.token_works(client, oscars)  # only the member's
        event = Event.objects.filter(action="token.revoked").latest("seq")
        assert event.actor_id == oscar.pk and event.object_id == str(bob.pk)

    def test_changing_ones_own_password_keeps_ones_tokens(self, client, dave):
        from haven.accounts.services import create_api_token, set_member_password

        _, secret = create_api_token(dave, actor=dave, name="laptop")
        set_member_password(dave, actor=dave, password="a-much-longer-phrase-42")
        assert self.token_works(client, secret)


@pytest.mark.django_db
class TestOwnPassword:
    def test_it_changes_the_password(self, client, dave):
        from haven.conftest import PASSWORD

        sign_in(client, dave)
        response = client.post(
            "/en/staff/password/",
            {
                "old_password": PASSWORD,
                "new_password1": "a-much-longer-phrase-42",
                "new_password2": "a-much-longer-phrase-42",
            },
        )
        assert response.status_code == 302
        dave.refresh_from_db()
        assert dave.check_password("a-much-longer-phrase-42")
        assert client.get("/en/staff/").status_code == 200  # still signed in

    def test_it_refuses_a_weak_password(self, client, dave):
        from haven.conftest import PASSWORD

        sign_in(client, dave)
        response = client.post(
            "/en/staff/password/",
            {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
        )
        assert response.status_code == 200
        assert b"too short" in response.content
        dave.refresh_from_db()
        assert dave.check_password(PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["reset-two-factor/", "reset-password/"])
class TestResetPermissions:
    def test_a_teammate_without_the_role_gets_403(self, client, alice, bob, action):
        response = sign_in(client, alice).post(f"{member_url(bob)}{action}")
        assert response.status_code == 403
        assert TOTPDevice.objects.filter(user=bob).exists()

    def test_an_outsider_gets_404(self, client, mallory, bob, action):
        assert sign_in(client, mallory).post(f"{member_url(bob)}{action}").status_code == 404

    def test_an_unknown_member_is_404(self, client, oscar, action):
        response = sign_in(client, oscar).post(
            f"/en/staff/members/00000000-0000-0000-0000-000000000000/{action}"
        )
        assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["", "reset-two-factor/", "reset-password/"])
def test_an_organisation_administrator_cannot_touch_a_system_administrator(
    client, oscar, hotline, action
):
    root = User.objects.create_user(
        "root2", password="x" * 20, role=Role.SYSADMIN, organisation=hotline, is_superuser=True
    )
    response = sign_in(client, oscar).post(
        f"{member_url(root)}{action}", {"role": "frontline", "is_active": ""}
    )
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password("x" * 20) and root.is_active and root.role == Role.SYSADMIN
