"""Consent decides what a referral may share; each referral transition and who may make it."""

import pytest
from django.core.exceptions import PermissionDenied

from haven.audit.models import Event
from haven.cases import referrals, sharing
from haven.cases.access import access_case
from haven.cases.models import Change, ConsentItem, ReferralState, Section
from haven.cases.services import CaseError
from haven.cases.tests.helpers import ALL_CONSENT, make_case

pytestmark = pytest.mark.django_db


def refer(case, actor, to, sections=("summary",)):
    return referrals.refer(
        case,
        actor=actor,
        to_organisation=to,
        reason="AdditionalServicesRequired",
        sections=list(sections),
        details="Needs a safe place tonight.",
    )


class TestSharingRule:
    def test_each_section_needs_its_items(self):
        class Row:
            def __init__(self, item, given=True, withdrawn=None, at=0):
                self.person_id, self.item, self.given = 1, item, given
                self.withdrawn_at, self.recorded_at = withdrawn, at

        people = {1: "P-1"}
        assert sharing.shareable(people, []) == set()
        base = [Row("interview"), Row("purpose")]
        assert sharing.shareable(people, base) == {"summary"}
        use = [*base, Row("use_of_data")]
        assert sharing.shareable(people, use) == {"summary", "exploitation", "support"}
        full = [*use, Row("access"), Row("retention"), Row("withdrawal")]
        assert sharing.shareable(people, full) == set(Section.values)
        # A later refusal overrides; a withdrawn answer counts as no answer.
        assert sharing.shareable(people, [*full, Row("purpose", given=False, at=1)]) == set()
        withdrawn = [Row("interview"), Row("purpose", withdrawn="yes")]
        assert sharing.shareable(people, withdrawn) == set()
        assert sharing.shareable({}, full) == set()

    def test_every_consenting_person_must_agree(self):
        class Row:
            def __init__(self, person, item):
                self.person_id, self.item, self.given = person, item, True
                self.withdrawn_at, self.recorded_at = None, 0

        rows = [Row(1, "interview"), Row(1, "purpose"), Row(2, "interview")]
        assert sharing.shareable({1: "a", 2: "b"}, rows) == set()
        missing = sharing.missing_consent({1: "a", 2: "b"}, rows, ["summary"])
        assert [(m.person, m.items) for m in missing] == [("b", ("purpose",))]


class TestRefer:
    def test_refused_without_consent_with_a_clear_message(self, alice, carol):
        case = make_case(alice)
        with pytest.raises(CaseError, match="does not allow") as error:
            refer(case, alice, carol.organisation, sections=["summary", "identity"])
        assert "Agrees to the interview" in str(error.value)
        assert not case.referrals.exists()

    def test_sections_beyond_consent_are_refused(self, alice, carol):
        base = {"interview": True, "purpose": True, "use_of_data": True}
        case = make_case(alice, consent=base)
        with pytest.raises(CaseError, match="Identity"):
            refer(case, alice, carol.organisation, sections=["summary", "identity"])
        referral = refer(case, alice, carol.organisation, sections=["summary", "exploitation"])
        assert referral.state == ReferralState.PENDING
        assert referral.sections == ["summary", "exploitation"]
        assert Event.objects.filter(action="referral.sent", object_id=str(referral.pk)).exists()

    def test_a_case_without_people_cannot_be_referred(self, alice, carol):
        from haven.cases import services

        case = services.open_case(actor=alice, country="VN")
        with pytest.raises(CaseError, match="Add the person"):
            refer(case, alice, carol.organisation)

    def test_only_referrers_of_the_owner_may_refer(self, alice, bob, carol, mallory):
        case = make_case(alice, consent=ALL_CONSENT)
        with pytest.raises(PermissionDenied):
            refer(case, bob, carol.organisation)  # frontline: no case.refer
        with pytest.raises(PermissionDenied):
            refer(case, mallory, carol.organisation)

    def test_one_live_referral_per_organisation(self, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        refer(case, alice, carol.organisation)
        with pytest.raises(CaseError, match="already referred"):
            refer(case, alice, carol.organisation)
        with pytest.raises(CaseError, match="another organisation"):
            refer(case, alice, alice.organisation)


class TestTransitions:
    def test_accept_then_complete(self, alice, carol):
        referral = refer(make_case(alice, consent=ALL_CONSENT), alice, carol.organisation)
        referrals.accept(referral, actor=carol)
        assert referral.state == "accepted" and referral.receiving_case_worker == carol
        with pytest.raises(CaseError, match="accepted"):
            referrals.accept(referral, actor=carol)
        referrals.complete(referral, actor=carol, note="Placed in the shelter.")
        referral.refresh_from_db()
        assert referral.state == "completed" and referral.completed_at is not None
        actions = list(
            Event.objects.filter(object_id=str(referral.pk)).values_list("action", flat=True)
        )
        assert {"referral.sent", "referral.accepted", "referral.completed"} <= set(actions)

    def test_decline_needs_a_reason_and_ends_access(self, alice, carol):
        referral = refer(make_case(alice, consent=ALL_CONSENT), alice, carol.organisation)
        access_case(carol, referral.case_id)
        with pytest.raises(CaseError, match="why"):
            referrals.decline(referral, actor=carol)
        referrals.decline(referral, actor=carol, note="No places left this month.")
        with pytest.raises(CaseError):
            referrals.complete(referral, actor=carol)
        from django.http import Http404

        with pytest.raises(Http404):
            access_case(carol, referral.case_id)

    def test_only_the_receiver_answers_and_only_the_sender_revokes(self, alice, carol, mallory):
        referral = refer(make_case(alice, consent=ALL_CONSENT), alice, carol.organisation)
        for actor in (alice, mallory):
            with pytest.raises(PermissionDenied):
                referrals.accept(referral, actor=actor)
        with pytest.raises(PermissionDenied):
            referrals.revoke(referral, actor=carol)
        referrals.revoke(referral, actor=alice)
        assert referral.state == "revoked"
        with pytest.raises(CaseError):
            referrals.revoke(referral, actor=alice)

    def test_withdrawing_consent_narrows_then_revokes(self, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        referral = refer(case, alice, carol.organisation, sections=["summary", "identity"])
        person = case.participants.get().person
        referrals.withdraw_consent(case, person, actor=alice, item=ConsentItem.RETENTION)
        referral.refresh_from_db()
        assert referral.sections == ["summary"] and referral.state == "pending"
        referrals.withdraw_consent(case, person, actor=alice, item=ConsentItem.INTERVIEW)
        referral.refresh_from_db()
        assert referral.state == "revoked"
        assert Change.objects.filter(case=case, section="referral", field="sections").exists()

    def test_transfer_of_ownership(self, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        partial = refer(case, alice, carol.organisation, sections=["summary"])
        referrals.accept(partial, actor=carol)
        with pytest.raises(CaseError, match="identity and contact"):
            referrals.transfer_ownership(partial, actor=alice)
        referrals.revoke(partial, actor=alice)
        full = refer(case, alice, carol.organisation, sections=list(Section.values))
        with pytest.raises(CaseError):
            referrals.transfer_ownership(full, actor=alice)  # still pending
        referrals.accept(full, actor=carol)
        from datetime import date

        from haven.cases import services

        task = services.add_task(
            case, actor=alice, title="Call", due=date(2030, 1, 1), assigned_to=alice
        )
        before = case.updated
        referrals.transfer_ownership(full, actor=alice)
        case.refresh_from_db()
        assert case.updated > before  # statistics rebuild the cases changed since a time
        task.refresh_from_db()
        assert task.assigned_to is None  # alice can no longer see the case
        case.refresh_from_db()
        assert case.organisation == carol.organisation and case.case_worker == carol
        assert access_case(carol, case.pk).owner
        from django.http import Http404

        with pytest.raises(Http404):
            access_case(alice, case.pk)


def test_a_new_case_never_takes_a_reference_in_use(alice, monkeypatch):
    from haven.cases import services

    first = services.open_case(actor=alice, country="VN")
    drawn = iter([first.reference, first.reference, "C-FRESH23"])
    monkeypatch.setattr(services, "new_case_reference", lambda: next(drawn))
    assert services.open_case(actor=alice, country="VN").reference == "C-FRESH23"
