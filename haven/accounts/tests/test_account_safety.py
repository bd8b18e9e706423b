"""Account safety (issue 14): recovery codes at enrolment, a forced password change when someone
else chose the password, and an administrator's reset that ends API access."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import services
from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import Event
from haven.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db
LOGIN = "/en/staff/login/"
VERIFY = "/en/staff/login/verify/"
ENROL = "/en/staff/two-factor/"
CODES = "/en/staff/two-factor/recovery-codes/"
PASSWORD_PAGE = "/en/staff/password/"
NEW_PASSWORD = "a-much-longer-phrase-42"
CODE = re.compile(r'<code class="secret">([a-z2-9]{5}-[a-z2-9]{5})</code>')


def codes_in(response) -> list[str]:
    return CODE.findall(response.content.decode())


def enrol(client, username: str) -> list[str]:
    """Sign in with the password, enrol an authenticator; the recovery codes shown."""
    client.post(LOGIN, {"username": username, "password": PASSWORD})
    client.get(ENROL)
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return codes_in(client.post(ENROL, {"code": f"{code:06d}"}))


def with_recovery_codes(user) -> list[str]:
    return services.create_recovery_codes(user, actor=user)


def sign_in_with(client, username: str, code: str):
    client.post(LOGIN, {"username": username, "password": PASSWORD})
    return client.post(VERIFY, {"code": code})


@pytest.fixture
def newcomer(hotline):
    return services.create_member(
        actor=None, organisation=hotline, username="newcomer", role=Role.FRONTLINE,
        password=PASSWORD,
    )  # fmt: skip


class TestRecoveryCodesAtEnrolment:
    def test_ten_codes_are_shown_once_after_the_app_is_confirmed(self, client, newcomer):
        codes = enrol(client, "newcomer")
        assert len(codes) == 10 and len(set(codes)) == 10
        device = StaticDevice.objects.get(user=newcomer)
        assert device.confirmed and device.token_set.count() == 10
        assert "no-store" in client.get(CODES)["Cache-Control"]
        assert codes_in(client.get(CODES)) == []  # never shown again
        assert Event.objects.filter(
            action="auth.recovery_codes_created", object_id=str(newcomer.pk)
        ).exists()

    def test_a_code_signs_in_once(self, client, alice):
        code = with_recovery_codes(alice)[0]
        response = sign_in_with(client, "alice", code)
        assert response.status_code == 302 and response["Location"] == "/en/staff/"
        page = client.get("/en/staff/").content.decode()
        assert "You signed in with a recovery code" in page and "9 codes are left" in page
        login = Event.objects.filter(action="auth.login").latest("seq")
        assert login.summary == {"two_factor": True, "recovery_code": True}
        client.post("/en/staff/logout/")
        response = sign_in_with(client, "alice", code)
        assert response.status_code == 200 and b"That code is not right" in response.content
        assert StaticToken.objects.filter(device__user=alice).count() == 9

    def test_a_code_may_be_typed_in_capitals_with_spaces(self, client, alice):
        code = with_recovery_codes(alice)[3]
        response = sign_in_with(client, "alice", " " + code.upper().replace("-", " ") + " ")
        assert response.status_code == 302

    def test_a_made_up_code_is_refused_like_a_wrong_one(self, client, alice):
        with_recovery_codes(alice)
        response = sign_in_with(client, "alice", "abcde-fghjk")
        assert response.status_code == 200 and b"That code is not right" in response.content
        response = client.post(VERIFY, {"code": "!!"})
        assert b"or one of your recovery codes" in response.content

    def test_a_reset_of_two_factor_removes_the_codes(self, alice, oscar):
        with_recovery_codes(alice)
        services.reset_two_factor(alice, actor=oscar)
        assert not StaticDevice.objects.filter(user=alice).exists()


class TestNewRecoveryCodes:
    def test_the_page_says_how_many_are_left(self, client, alice):
        with_recovery_codes(alice)
        StaticToken.objects.filter(device__user=alice).first().delete()
        page = sign_in(client, alice).get(CODES).content.decode()
        assert "You have 9 unused recovery codes." in page

    def test_new_codes_replace_the_old(self, client, alice):
        old = with_recovery_codes(alice)
        new = codes_in(sign_in(client, alice).post(CODES))
        assert len(new) == 10 and not set(new) & set(old)
        assert StaticToken.objects.filter(device__user=alice).count() == 10
        client.post("/en/staff/logout/")
        assert sign_in_with(client, "alice", old[0]).status_code == 200  # refused
        assert Event.objects.filter(action="auth.recovery_codes_created").count() == 2

    def test_it_requires_sign_in_and_the_second_factor(self, client, alice):
        assert client.post(CODES).status_code == 302
        client.post(LOGIN, {"username": "alice", "password": PASSWORD})  # not signed in yet
        assert client.post(CODES)["Location"].startswith(LOGIN)
        assert not StaticDevice.objects.filter(user=alice).exists()

    def test_without_an_authenticator_it_sends_to_enrolment(self, client, dave):
        assert sign_in(client, dave).get(CODES)["Location"] == ENROL

    def test_csrf_is_enforced(self, csrf_client, alice):
        response = sign_in(csrf_client, alice).post(CODES)
        assert response.status_code == 403
        assert not StaticDevice.objects.filter(user=alice).exists()


class TestForcedPasswordChange:
    def test_a_member_an_administrator_adds_must_choose_a_password(self, client, oscar, hotline):
        sign_in(client, oscar).post(
            f"/en/staff/organisations/{hotline.pk}/add/",
            {"username": "linh", "first_name": "Linh", "last_name": "Trần", "role": "frontline"},
        )
        assert User.objects.get(username="linh").must_change_password

    @pytest.mark.parametrize("page", ["/en/staff/", "/en/staff/cases/", "/en/staff/tokens/", CODES])
    def test_every_staff_page_leads_to_the_password_page(self, client, bob, oscar, page):
        services.set_member_password(bob, actor=oscar, password=PASSWORD)
        response = sign_in(client, bob).get(page)
        assert response.status_code == 302
        assert response["Location"] == f"{PASSWORD_PAGE}?next={page.replace('/', '%2F')}"

    def test_after_the_change_the_member_goes_on(self, client, bob, oscar):
        services.set_member_password(bob, actor=oscar, password=PASSWORD)
        sign_in(client, bob)
        page = client.get(PASSWORD_PAGE).content.decode()
        assert "choose your own password" in page
        response = client.post(
            f"{PASSWORD_PAGE}?next=/en/staff/cases/",
            {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
             "new_password2": NEW_PASSWORD, "next": "/en/staff/cases/"},
        )  # fmt: skip
        assert response.status_code == 302 and response["Location"] == "/en/staff/cases/"
        bob.refresh_from_db()
        assert not bob.must_change_password and bob.check_password(NEW_PASSWORD)
        assert client.get("/en/staff/cases/").status_code == 200

    def test_the_same_password_is_refused(self, client, bob, oscar):
        services.set_member_password(bob, actor=oscar, password=NEW_PASSWORD)
        response = sign_in(client, bob).post(
            PASSWORD_PAGE,
            {"old_password": NEW_PASSWORD, "new_password1": NEW_PASSWORD,
             "new_password2": NEW_PASSWORD},
        )  # fmt: skip
        assert response.status_code == 200
        assert b"Choose a new password, not the one you have now." in response.content
        bob.refresh_from_db()
        assert bob.must_change_password

    def test_the_password_page_answers_in_vietnamese(self, client, bob, oscar):
        services.set_member_password(bob, actor=oscar, password=NEW_PASSWORD)
        response = sign_in(client, bob).post(
            "/vi/staff/password/",
            {"old_password": NEW_PASSWORD, "new_password1": NEW_PASSWORD,
             "new_password2": NEW_PASSWORD},
        )  # fmt: skip
        assert "Hãy chọn một mật khẩu mới" in response.content.decode()

    def test_an_administrators_reset_forces_a_change_and_revokes_tokens(self, client, bob, oscar):
        _, secret = services.create_api_token(bob, actor=bob, name="laptop")
        response = sign_in(client, oscar).post(f"/en/staff/members/{bob.pk}/reset-password/")
        assert response.status_code == 200
        bob.refresh_from_db()
        assert bob.must_change_password
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        assert me.status_code == 401

    def test_ones_own_change_forces_nothing(self, dave):
        services.set_member_password(dave, actor=dave, password=NEW_PASSWORD)
        dave.refresh_from_db()
        assert not dave.must_change_password

    def test_signing_out_still_works(self, client, bob, oscar):
        services.set_member_password(bob, actor=oscar, password=PASSWORD)
        response = sign_in(client, bob).post("/en/staff/logout/")
        assert response.status_code == 302 and "_auth_user_id" not in client.session

    def test_the_django_admin_waits_for_the_change_too(self, client, admin_user, oscar):
        admin_user.must_change_password = True
        admin_user.save(update_fields=["must_change_password"])
        response = sign_in(client, admin_user).get("/admin/", follow=True)
        assert response.redirect_chain[-1][0].endswith("/staff/password/?next=%2Fadmin%2F")

    def test_a_password_set_in_the_django_admin_is_a_reset(self, client, admin_user, bob):
        _, secret = services.create_api_token(bob, actor=bob, name="laptop")
        response = sign_in(client, admin_user).post(
            f"/admin/accounts/user/{bob.pk}/password/",
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
        )
        assert response.status_code == 302
        bob.refresh_from_db()
        assert bob.must_change_password and bob.check_password(NEW_PASSWORD)
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        assert me.status_code == 401


def test_the_first_sign_in_of_a_new_member_enrols_then_changes_the_password(client, newcomer):
    newcomer.must_change_password = True
    newcomer.save(update_fields=["must_change_password"])
    codes = enrol(client, "newcomer")
    assert len(codes) == 10
    response = client.get("/en/staff/")
    assert response["Location"].startswith(PASSWORD_PAGE)
