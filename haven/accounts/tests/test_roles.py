import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from haven.accounts.access import access_organisation, has_capability, require_capability
from haven.accounts.roles import CAPABILITIES, TWO_FACTOR_REQUIRED, Capability, Role


def test_every_role_has_capabilities():
    assert set(CAPABILITIES) == set(Role.values)
    assert all(CAPABILITIES[role] for role in Role.values)


def test_only_the_analyst_may_go_without_two_factor():
    assert set(Role.values) - TWO_FACTOR_REQUIRED == {Role.ANALYST}


def test_roles_that_see_personal_data_require_two_factor():
    personal = {Capability.CASE_READ, Capability.REPORT_TRIAGE}
    for role, capabilities in CAPABILITIES.items():
        if capabilities & personal:
            assert role in TWO_FACTOR_REQUIRED


@pytest.mark.django_db
class TestCapabilities:
    def test_a_case_manager_may_refer_but_a_frontline_worker_may_not(self, alice, bob):
        assert has_capability(alice, Capability.CASE_REFER)
        assert not has_capability(bob, Capability.CASE_REFER)
        with pytest.raises(PermissionDenied):
            require_capability(bob, Capability.CASE_REFER)

    def test_an_analyst_never_reads_cases(self, dave):
        assert dave.capabilities == {
            Capability.STATS_READ,
            Capability.COMMITMENT_VALIDATE,
            Capability.CONSULT_MANAGE,
            Capability.CONTENT_REVIEW,
        }
        assert not any(c.value.startswith("case.") for c in dave.capabilities)

    def test_a_deactivated_user_has_nothing(self, alice):
        alice.is_active = False
        assert alice.capabilities == frozenset()


@pytest.mark.django_db
class TestScope:
    def test_own_organisation_is_visible(self, alice, hotline):
        assert access_organisation(alice, hotline.pk) == hotline

    def test_another_organisation_is_404(self, alice, outsider_org):
        with pytest.raises(Http404):
            access_organisation(alice, outsider_org.pk)

    def test_garbage_ids_are_404(self, alice):
        with pytest.raises(Http404):
            access_organisation(alice, "../../etc")

    def test_a_system_administrator_sees_all(self, admin_user, outsider_org):
        assert access_organisation(admin_user, outsider_org.pk) == outsider_org
