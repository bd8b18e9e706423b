"""Who sees which case and which parts of it (`haven.cases.access`), without going through pages.

Alice (case manager) and Bob (frontline) are in the owner organisation, Oscar administers it;
Carol is at the shelter the case may be referred to; Mallory is an outsider; Dave an analyst.
"""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from haven.accounts.models import Organisation, User
from haven.accounts.roles import Role
from haven.audit.models import Event
from haven.cases import referrals
from haven.cases.access import (
    ALL_SECTIONS,
    CaseAccess,
    access_case,
    access_referral,
    cases_in_scope,
    cases_visible_to,
)
from haven.cases.models import Section
from haven.cases.tests.helpers import ALL_CONSENT, make_case

pytestmark = pytest.mark.django_db


def refer(case, to, sections=("summary",), actor=None):
    return referrals.refer(
        case,
        actor=actor or case.case_worker,
        to_organisation=to,
        reason="AdditionalServicesRequired",
        sections=list(sections),
    )


def member(organisation, role, username):
    return User.objects.create(username=username, organisation=organisation, role=role)


@pytest.fixture
def case(alice):
    return make_case(alice, consent=ALL_CONSENT)


def views_of(case):
    return Event.objects.filter(action="case.viewed", object_id=str(case.pk))


class TestOwner:
    def test_it_gives_the_owner_every_section(self, case, alice):
        access = access_case(alice, case.pk)
        assert access.owner is True
        assert access.case == case
        assert access.sections == ALL_SECTIONS == frozenset(Section.values)
        assert all(access.can(section) for section in Section.values)
        assert access.referrals == []

    def test_it_lets_a_frontline_colleague_read_and_write(self, case, bob):
        access = access_case(bob, case.pk, write=True)
        assert access.owner and access.sections == ALL_SECTIONS

    def test_it_accepts_the_id_as_a_string(self, case, alice):
        assert access_case(alice, str(case.pk)).case == case

    def test_it_writes_one_view_event_per_access(self, case, alice):
        access_case(alice, case.pk)
        access_case(alice, case.pk)
        events = list(views_of(case))
        assert len(events) == 2
        assert events[0].actor_id == alice.pk and events[0].summary == {}
        assert events[0].organisation_id == alice.organisation_id

    def test_it_can_skip_the_audit_when_the_caller_logs_itself(self, case, alice):
        access_case(alice, case.pk, audit=False)
        assert not views_of(case).exists()

    def test_it_selects_the_owner_and_worker_with_the_case(
        self, case, alice, django_assert_num_queries
    ):
        access = access_case(alice, case.pk, audit=False)
        with django_assert_num_queries(0):
            assert access.case.organisation.name == "Hotline VN"
            assert access.case.case_worker.username == "alice"


class TestRoles:
    def test_an_organisation_admin_of_the_owner_gets_403(self, case, oscar):
        with pytest.raises(PermissionDenied):
            access_case(oscar, case.pk)
        assert not views_of(case).exists()

    def test_a_deactivated_member_gets_403(self, case, alice):
        alice.is_active = False
        with pytest.raises(PermissionDenied):
            access_case(alice, case.pk)

    def test_an_analyst_of_the_owner_organisation_gets_403(self, case, alice):
        analyst = member(alice.organisation, Role.ANALYST, "hotline-analyst")
        with pytest.raises(PermissionDenied):
            access_case(analyst, case.pk)

    def test_an_analyst_elsewhere_gets_404(self, case, dave):
        with pytest.raises(Http404):
            access_case(dave, case.pk)

    def test_an_analyst_never_sees_a_case_even_one_referred_to_his_organisation(self, case, dave):
        refer(case, dave.organisation)
        assert not cases_visible_to(dave).exists()
        with pytest.raises(PermissionDenied):
            access_case(dave, case.pk)

    def test_writing_needs_the_write_capability(self, case, alice):
        reader = member(alice.organisation, Role.ANALYST, "reader")
        with pytest.raises(PermissionDenied):
            access_case(reader, case.pk, write=True)


class TestOutsiders:
    def test_another_organisation_gets_404_as_if_the_case_did_not_exist(self, case, mallory):
        with pytest.raises(Http404):
            access_case(mallory, case.pk)
        with pytest.raises(Http404):
            access_case(mallory, uuid.uuid4())
        assert not views_of(case).exists()

    @pytest.mark.parametrize("bad_id", ["not-a-uuid", "", "1", "../etc"])
    def test_a_malformed_id_is_404(self, alice, bad_id):
        with pytest.raises(Http404):
            access_case(alice, bad_id)

    def test_anonymous_visitors_get_404(self, case):
        with pytest.raises(Http404):
            access_case(AnonymousUser(), case.pk)
        assert not cases_in_scope(AnonymousUser()).exists()

    def test_a_system_administrator_without_an_organisation_gets_404(self, case, admin_user):
        with pytest.raises(Http404):
            access_case(admin_user, case.pk)
        assert not cases_visible_to(admin_user).exists()


class TestReceiver:
    def test_a_pending_referral_shows_the_request_only(self, case, carol):
        referral = refer(case, carol.organisation, ["summary", "exploitation"])
        access = access_case(carol, case.pk)
        assert access.owner is False and access.pending and not access.working
        assert access.sections == frozenset()
        assert not access.can("summary") and not access.can("identity")
        assert access.referrals == [referral]
        assert views_of(case).get().summary == {"via": "referral"}

    def test_accepting_shows_the_sections_the_referral_shares(self, case, carol):
        referral = refer(case, carol.organisation, ["summary", "exploitation"])
        referrals.accept(referral, actor=carol)
        access = access_case(carol, case.pk)
        assert access.sections == {"summary", "exploitation"}
        assert access.can("exploitation") and not access.can("identity")
        assert access.working and not access.pending

    def test_an_unshared_section_is_404_for_the_receiver(self, case, carol):
        referrals.accept(refer(case, carol.organisation, ["summary"]), actor=carol)
        access = access_case(carol, case.pk)
        access.require("summary")
        for section in ("exploitation", "support", "identity", "contact"):
            with pytest.raises(Http404):
                access.require(section)

    def test_an_accepted_then_completed_referral_still_shows_its_sections(self, case, carol):
        referral = refer(case, carol.organisation, ["summary", "support"])
        referrals.accept(referral, actor=carol)
        assert access_case(carol, case.pk).sections == {"summary", "support"}
        referrals.complete(referral, actor=carol)
        assert access_case(carol, case.pk).sections == {"summary", "support"}

    def test_a_declined_referral_hides_the_case(self, case, carol):
        referral = refer(case, carol.organisation)
        referrals.decline(referral, actor=carol, note="No places.")
        with pytest.raises(Http404):
            access_case(carol, case.pk)
        assert not cases_in_scope(carol).filter(pk=case.pk).exists()

    @pytest.mark.parametrize("accepted_first", [False, True])
    def test_a_revoked_referral_hides_the_case(self, case, alice, carol, accepted_first):
        referral = refer(case, carol.organisation)
        if accepted_first:
            referrals.accept(referral, actor=carol)
        referrals.revoke(referral, actor=alice)
        with pytest.raises(Http404):
            access_case(carol, case.pk)

    def test_the_receiver_never_writes(self, case, carol):
        refer(case, carol.organisation, list(Section.values))
        with pytest.raises(PermissionDenied):
            access_case(carol, case.pk, write=True)

    def test_sections_of_a_completed_and_a_new_referral_add_up(self, case, alice, carol):
        first = refer(case, carol.organisation, ["summary"])
        referrals.accept(first, actor=carol)
        referrals.complete(first, actor=carol)
        second = refer(case, carol.organisation, ["exploitation"])
        assert access_case(carol, case.pk).sections == {"summary"}  # offered, not yet accepted
        referrals.accept(second, actor=carol)
        access = access_case(carol, case.pk)
        assert access.sections == {"summary", "exploitation"}
        assert {referral.pk for referral in access.referrals} == {first.pk, second.pk}

    def test_a_declined_referral_adds_nothing_to_a_live_one(self, case, carol):
        declined = refer(case, carol.organisation, list(Section.values))
        referrals.decline(declined, actor=carol, note="Full.")
        referrals.accept(refer(case, carol.organisation, ["summary"]), actor=carol)
        assert access_case(carol, case.pk).sections == {"summary"}

    def test_another_organisation_sees_nothing_of_a_referral_to_the_shelter(
        self, case, carol, mallory
    ):
        refer(case, carol.organisation)
        with pytest.raises(Http404):
            access_case(mallory, case.pk)

    def test_a_colleague_of_the_receiver_without_case_rights_gets_403(self, case, carol):
        refer(case, carol.organisation)
        admin = member(carol.organisation, Role.ORG_ADMIN, "shelter-admin")
        with pytest.raises(PermissionDenied):
            access_case(admin, case.pk)


class TestLists:
    def test_scope_is_owned_plus_referred_cases_only(self, alice, carol, mallory):
        owned = make_case(alice, consent=ALL_CONSENT)
        referred = make_case(alice, consent=ALL_CONSENT)
        declined = make_case(alice, consent=ALL_CONSENT)
        shelter_own = make_case(carol)
        refer(referred, carol.organisation)
        referrals.decline(refer(declined, carol.organisation), actor=carol, note="No.")
        assert set(cases_visible_to(carol)) == {referred, shelter_own}
        assert {owned, referred, declined} <= set(cases_visible_to(alice))
        assert shelter_own not in set(cases_visible_to(alice))
        assert not cases_visible_to(mallory).filter(pk__in=[owned.pk, referred.pk]).exists()

    def test_scope_counts_each_case_once_however_many_referrals(self, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        first = refer(case, carol.organisation)
        referrals.accept(first, actor=carol)
        referrals.complete(first, actor=carol)
        refer(case, carol.organisation)
        assert list(cases_visible_to(carol)).count(case) == 1

    def test_a_member_without_case_read_has_an_empty_list(self, case, oscar):
        assert cases_in_scope(oscar).filter(pk=case.pk).exists()  # scope, not permission
        assert not cases_visible_to(oscar).exists()


class TestCaseAccess:
    def test_the_default_is_every_section(self, case):
        access = CaseAccess(case=case, owner=True)
        assert access.sections == ALL_SECTIONS and access.referrals == []

    def test_its_referrals_list_is_not_shared_between_instances(self, case):
        one, two = CaseAccess(case=case, owner=False), CaseAccess(case=case, owner=False)
        one.referrals.append("x")
        assert two.referrals == []


class TestAccessReferral:
    def test_sender_and_receiver_both_reach_it(self, case, alice, carol):
        referral = refer(case, carol.organisation)
        assert access_referral(alice, referral.pk) == referral
        assert access_referral(carol, str(referral.pk)) == referral

    def test_it_stays_reachable_to_both_after_a_decline(self, case, alice, carol):
        # The receiver may no longer see the case, but the referral it answered stays in its list.
        referral = refer(case, carol.organisation)
        referrals.decline(referral, actor=carol, note="No places.")
        assert access_referral(carol, referral.pk).state == "declined"
        assert access_referral(alice, referral.pk).state == "declined"

    def test_outsiders_and_malformed_ids_get_404(self, case, carol, mallory, alice):
        referral = refer(case, carol.organisation)
        with pytest.raises(Http404):
            access_referral(mallory, referral.pk)
        for bad in ("nope", uuid.uuid4()):
            with pytest.raises(Http404):
                access_referral(alice, bad)
        with pytest.raises(Http404):
            access_referral(AnonymousUser(), referral.pk)

    def test_a_member_without_case_read_gets_403(self, case, carol, oscar):
        referral = refer(case, carol.organisation)
        with pytest.raises(PermissionDenied):
            access_referral(oscar, referral.pk)

    def test_a_new_organisation_gets_404_for_old_referrals(self, case, carol):
        referral = refer(case, carol.organisation)
        newcomer = Organisation.objects.create(name="New NGO", country="VN")
        with pytest.raises(Http404):
            access_referral(member(newcomer, Role.CASE_MANAGER, "newcomer"), referral.pk)
