"""The referral services (`haven.cases.referrals`): consent recorded and withdrawn, a referral
sent, answered, completed or revoked, what the receiver sees after each step, and the audit."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import Event
from haven.cases import handover, referrals, services
from haven.cases.access import access_case, access_referral
from haven.cases.models import Change, Consent, Person, Referral, Section
from haven.cases.services import CaseError
from haven.cases.tests.helpers import ALL_CONSENT, make_case
from haven.cases.tests.stored import actions, last_event, stored
from haven.conftest import sign_in

pytestmark = pytest.mark.django_db
BASE = {"interview": True, "purpose": True}
USE = {**BASE, "use_of_data": True}


def refer(case, actor, to, sections=("summary",), details="Needs a safe place tonight."):
    return referrals.refer(
        case,
        actor=actor,
        to_organisation=to,
        reason="AdditionalServicesRequired",
        sections=list(sections),
        details=details,
    )


def person_of(case):
    return case.participants.get(role="victim").person


def add_person(case, actor, role="victim", name="Hoa"):
    return services.add_participant(
        case, actor=actor, role=role, person={"first_name": name}, details={}
    ).person


class TestRecordConsent:
    def test_it_writes_one_row_per_answer(self, alice):
        case = make_case(alice)
        person = person_of(case)
        rows = referrals.record_consent(
            case,
            person,
            actor=alice,
            answers={"interview": True, "purpose": True, "research": False},
            information_version="leaflet-2025-1",
        )
        assert len(rows) == 3
        saved = {row.item: row for row in Consent.objects.filter(case=case)}
        assert {item: row.given for item, row in saved.items()} == {
            "interview": True,
            "purpose": True,
            "research": False,
        }
        for row in saved.values():
            assert row.person == person and row.recorded_by == alice
            assert row.information_version == "leaflet-2025-1" and row.withdrawn_at is None
        assert len({row.recorded_at for row in saved.values()}) == 1

    def test_the_audit_event_holds_the_answers_and_nothing_else(self, alice):
        case = make_case(alice)
        referrals.record_consent(case, person_of(case), actor=alice, answers={"purpose": 1})
        event = last_event("case.consent_recorded")
        assert event.object_id == str(case.pk) and event.summary == {"purpose": True}

    def test_a_new_answer_is_a_new_row_and_the_old_one_stays(self, alice):
        case = make_case(alice)
        person = person_of(case)
        [first] = referrals.record_consent(case, person, actor=alice, answers={"research": True})
        referrals.record_consent(case, person, actor=alice, answers={"research": False})
        rows = list(Consent.objects.filter(case=case, item="research").order_by("recorded_at"))
        assert [(row.pk, row.given) for row in rows] == [(first.pk, True), (rows[1].pk, False)]
        assert rows[0].withdrawn_at is None  # never edited

    def test_a_person_outside_the_case_is_refused(self, alice):
        case, other = make_case(alice), make_case(alice)
        with pytest.raises(CaseError, match="not in this case"):
            referrals.record_consent(case, person_of(other), actor=alice, answers=ALL_CONSENT)
        assert not Consent.objects.exists()

    def test_unknown_items_are_refused_by_name(self, alice):
        case = make_case(alice)
        with pytest.raises(CaseError, match="Unknown consent items: photos, video"):
            referrals.record_consent(
                case,
                person_of(case),
                actor=alice,
                answers={"interview": True, "video": True, "photos": True},
            )
        assert not Consent.objects.filter(case=case).exists()

    def test_no_answer_at_all_is_refused(self, alice):
        case = make_case(alice)
        with pytest.raises(CaseError, match="at least one"):
            referrals.record_consent(case, person_of(case), actor=alice, answers={})

    def test_a_perpetrator_may_be_recorded_but_is_never_asked(self, alice):
        case = make_case(alice, consent=ALL_CONSENT)
        perpetrator = add_person(case, alice, role="perpetrator", name="Boss")
        assert perpetrator.pk not in referrals.consenting_people(case)
        assert referrals.shareable_sections(case) == set(Section.values)

    def test_a_later_refusal_narrows_live_referrals(self, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        referral = refer(case, alice, carol.organisation, ["summary", "exploitation", "contact"])
        referrals.record_consent(case, person_of(case), actor=alice, answers={"access": False})
        referral.refresh_from_db()
        assert referral.sections == ["summary", "exploitation"] and referral.state == "pending"
        assert last_event("referral.narrowed").summary == {"sections": ["summary", "exploitation"]}


class TestWithdrawConsent:
    def test_it_marks_the_current_answer_withdrawn_by_whom_and_when(self, alice, bob):
        case = make_case(alice, consent=ALL_CONSENT)
        person = person_of(case)
        assert referrals.withdraw_consent(case, person, actor=bob, item="research") == 1
        row = Consent.objects.get(case=case, item="research")
        assert row.withdrawn_by == bob and row.withdrawn_at is not None
        assert row.given is True  # the answer itself is never edited
        assert Consent.objects.filter(case=case, withdrawn_at__isnull=True).count() == 6
        assert last_event("case.consent_withdrawn").summary == {"item": "research"}

    def test_there_must_be_a_current_answer_to_withdraw(self, alice):
        case = make_case(alice, consent=BASE)
        person = person_of(case)
        with pytest.raises(CaseError, match="no current consent"):
            referrals.withdraw_consent(case, person, actor=alice, item="retention")
        referrals.withdraw_consent(case, person, actor=alice, item="purpose")
        with pytest.raises(CaseError, match="no current consent"):
            referrals.withdraw_consent(case, person, actor=alice, item="purpose")

    def test_withdrawing_research_leaves_referrals_alone(self, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        referral = refer(case, alice, carol.organisation, list(Section.values))
        referrals.withdraw_consent(case, person_of(case), actor=alice, item="research")
        referral.refresh_from_db()
        assert referral.sections == list(Section.values) and referral.state == "pending"
        assert not Event.objects.filter(action="referral.narrowed").exists()

    def test_withdrawal_narrows_an_accepted_referral_in_the_same_step(self, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        referral = refer(case, alice, carol.organisation, list(Section.values))
        referrals.accept(referral, actor=carol)
        referrals.withdraw_consent(case, person_of(case), actor=alice, item="use_of_data")
        referral.refresh_from_db()
        assert referral.state == "accepted" and referral.sections == ["summary"]
        row = Change.objects.filter(section="referral", field="sections").first()
        assert row.actor == alice and row.new == '["summary"]'
        assert access_case(carol, case.pk).sections == {"summary"}

    def test_withdrawal_revokes_a_referral_left_with_nothing(self, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        referral = refer(case, alice, carol.organisation)
        referrals.withdraw_consent(case, person_of(case), actor=alice, item="interview")
        referral.refresh_from_db()
        assert referral.state == "revoked" and referral.revoked_at is not None
        assert last_event("referral.revoked").summary == {
            "case": str(case.pk),
            "from": "pending",
        }
        with pytest.raises(Http404):
            access_case(carol, case.pk)

    def test_ended_referrals_are_not_touched(self, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        referral = refer(case, alice, carol.organisation, list(Section.values))
        referrals.accept(referral, actor=carol)
        referrals.complete(referral, actor=carol)
        referrals.withdraw_consent(case, person_of(case), actor=alice, item="interview")
        referral.refresh_from_db()
        assert referral.state == "completed" and referral.sections == list(Section.values)

    def test_a_failure_while_narrowing_undoes_the_withdrawal(self, alice, carol, monkeypatch):
        case = make_case(alice, consent=ALL_CONSENT)
        referral = refer(case, alice, carol.organisation, list(Section.values))

        def broken(*args, **kwargs):
            raise RuntimeError("the database went away")

        # Fault injection: the narrowing step fails after the withdrawal rows were updated.
        monkeypatch.setattr(referrals, "record_changes", broken)
        with pytest.raises(RuntimeError):
            referrals.withdraw_consent(case, person_of(case), actor=alice, item="retention")
        assert not Consent.objects.filter(case=case, withdrawn_at__isnull=False).exists()
        assert not Event.objects.filter(action="case.consent_withdrawn").exists()
        referral.refresh_from_db()
        assert referral.sections == list(Section.values)


class TestPeopleAndConsent:
    def test_everyone_but_perpetrators_must_consent(self, alice):
        case = make_case(alice, consent=ALL_CONSENT)
        other = add_person(case, alice, role="other", name="Mother")
        add_person(case, alice, role="perpetrator", name="Broker")
        assert set(referrals.consenting_people(case)) == {person_of(case).pk, other.pk}
        assert referrals.shareable_sections(case) == set()
        referrals.record_consent(case, other, actor=alice, answers=USE)
        assert referrals.shareable_sections(case) == {"summary", "exploitation", "support"}

    def test_adding_a_person_without_consent_stops_what_the_referral_shares(self, alice, carol):
        # Their identity would otherwise reach the receiver without their consent.
        case = make_case(alice, consent=ALL_CONSENT)
        referral = refer(case, alice, carol.organisation, list(Section.values))
        newcomer = add_person(case, alice, role="victim", name="Hoa")
        referral.refresh_from_db()
        assert referral.state == "revoked"
        with pytest.raises(Http404):
            access_case(carol, case.pk)
        referrals.record_consent(case, newcomer, actor=alice, answers=ALL_CONSENT)
        again = refer(case, alice, carol.organisation, list(Section.values))
        assert again.state == "pending"
        referrals.accept(again, actor=carol)
        assert access_case(carol, case.pk).sections == set(Section.values)

    def test_adding_a_perpetrator_leaves_live_referrals_as_they_are(self, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        referral = refer(case, alice, carol.organisation, list(Section.values))
        add_person(case, alice, role="perpetrator", name="Broker")
        referral.refresh_from_db()
        assert referral.state == "pending" and referral.sections == list(Section.values)


class TestExplainMissing:
    def test_it_names_the_section_the_person_and_the_items(self, alice):
        case = make_case(alice, consent=USE)
        pseudonym = person_of(case).pseudonym
        message = referrals.explain_missing(case, ["identity"])
        assert message == (
            "The recorded consent does not allow this. "
            f"Identity: names, birth date, identity number needs from {pseudonym}: "
            "Told of the right to see their data at any time; Told how long the data is kept; "
            "Told how to withdraw consent."
        )

    def test_it_lists_each_person_who_lacks_something(self, alice):
        case = make_case(alice, consent=BASE)
        other = add_person(case, alice, role="other", name="Sister")
        message = referrals.explain_missing(case, ["summary"])
        assert other.pseudonym in message and person_of(case).pseudonym not in message
        assert "Agrees to the interview; Told the purpose of the interview" in message

    def test_a_case_without_people_asks_for_the_person_first(self, alice):
        case = services.open_case(actor=alice, country="VN")
        assert referrals.explain_missing(case, ["summary"]).startswith("Add the person")


class TestRefer:
    def test_it_sends_a_pending_referral_with_history_and_audit(self, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        referral = refer(case, alice, carol.organisation, ["contact", "exploitation"], "  Bus 7. ")
        saved = Referral.objects.get(pk=referral.pk)
        assert saved.state == "pending" and saved.sent_by == alice
        assert saved.from_organisation == alice.organisation
        assert saved.to_organisation == carol.organisation
        assert saved.details == "Bus 7." and "Bus" not in stored(Referral, saved.pk, "details")
        # The summary always goes; the sections keep the order of the standard.
        assert saved.sections == ["summary", "exploitation", "contact"]
        fields = set(
            Change.objects.filter(section="referral", object_id=str(saved.pk)).values_list(
                "field", flat=True
            )
        )
        assert fields == {"reason", "details", "sections"}
        assert last_event("referral.sent").summary == {
            "case": str(case.pk),
            "to": str(carol.organisation.pk),
            "sections": ["summary", "exploitation", "contact"],
        }

    def test_a_refusal_names_section_person_and_items_and_writes_nothing(self, alice, carol):
        case = make_case(alice, consent=BASE)
        pseudonym = person_of(case).pseudonym
        with pytest.raises(CaseError) as error:
            refer(case, alice, carol.organisation, ["summary", "support"])
        message = str(error.value)
        assert "Support plan and services needs from" in message and pseudonym in message
        assert "Told how the data is and may be used" in message
        assert "Case summary" not in message  # allowed: not named as missing
        assert not Referral.objects.exists()
        assert not Event.objects.filter(action="referral.sent").exists()

    def test_a_closed_case_is_not_referred(self, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        services.close_case(case, actor=alice, reason="Done.")
        with pytest.raises(CaseError, match="Reopen"):
            refer(case, alice, carol.organisation)

    def test_a_frontline_worker_or_an_outsider_may_not_refer(self, alice, bob, carol, mallory):
        case = make_case(alice, consent=ALL_CONSENT)
        for actor in (bob, mallory, carol):
            with pytest.raises(PermissionDenied):
                refer(case, actor, carol.organisation)
        assert not Referral.objects.exists()

    def test_after_a_decline_the_same_organisation_may_be_asked_again(self, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        referrals.decline(refer(case, alice, carol.organisation), actor=carol, note="Full.")
        assert refer(case, alice, carol.organisation).state == "pending"

    def test_several_organisations_may_receive_the_same_case(self, alice, carol, mallory):
        case = make_case(alice, consent=ALL_CONSENT)
        referrals.accept(refer(case, alice, carol.organisation, ["summary"]), actor=carol)
        referrals.accept(refer(case, alice, mallory.organisation, ["support"]), actor=mallory)
        assert access_case(carol, case.pk).sections == {"summary"}
        assert access_case(mallory, case.pk).sections == {"summary", "support"}


def shelter_member(carol, role, username):
    return User.objects.create(username=username, organisation=carol.organisation, role=role)


class TestAnswers:
    def test_accepting_records_who_when_and_the_note(self, alice, carol):
        referral = refer(make_case(alice, consent=ALL_CONSENT), alice, carol.organisation)
        referrals.accept(referral, actor=carol, note="  We have a bed.  ")
        saved = Referral.objects.get(pk=referral.pk)
        assert saved.state == "accepted" and saved.receiving_case_worker == carol
        assert saved.responded_at is not None and saved.response_note == "We have a bed."
        assert "bed" not in stored(Referral, saved.pk, "response_note")
        event = last_event("referral.accepted")
        assert event.summary == {"case": str(referral.case_id), "from": "pending"}
        assert event.organisation_id == carol.organisation_id

    def test_declining_needs_a_reason_and_keeps_it(self, alice, carol):
        referral = refer(make_case(alice, consent=ALL_CONSENT), alice, carol.organisation)
        with pytest.raises(CaseError, match="Say why"):
            referrals.decline(referral, actor=carol, note="   ")
        assert Referral.objects.get(pk=referral.pk).state == "pending"
        referrals.decline(referral, actor=carol, note="No places this month.")
        saved = Referral.objects.get(pk=referral.pk)
        assert saved.state == "declined" and saved.response_note == "No places this month."
        assert saved.receiving_case_worker is None and saved.responded_at is not None

    def test_completing_keeps_the_acceptance_note_unless_given_a_new_one(self, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        referral = refer(case, alice, carol.organisation)
        referrals.accept(referral, actor=carol, note="We have a bed.")
        referrals.complete(referral, actor=carol, note="  ")
        saved = Referral.objects.get(pk=referral.pk)
        assert saved.state == "completed" and saved.completed_at is not None
        assert saved.response_note == "We have a bed."
        other = refer(case, alice, carol.organisation)
        referrals.accept(other, actor=carol, note="Bed.")
        referrals.complete(other, actor=carol, note="She went home.")
        assert Referral.objects.get(pk=other.pk).response_note == "She went home."

    @pytest.mark.parametrize(
        "steps, refused",
        [
            ([], "complete"),
            (["accept"], "accept"),
            (["accept"], "decline"),
            (["decline"], "accept"),
            (["decline"], "complete"),
            (["decline"], "revoke"),
            (["accept", "complete"], "complete"),
            (["accept", "complete"], "revoke"),
            (["accept", "complete"], "decline"),
            (["revoke"], "accept"),
            (["revoke"], "revoke"),
            (["accept", "revoke"], "complete"),
        ],
    )
    def test_invalid_transitions_are_refused_and_change_nothing(self, alice, carol, steps, refused):
        referral = refer(make_case(alice, consent=ALL_CONSENT), alice, carol.organisation)
        do = {
            "accept": lambda: referrals.accept(referral, actor=carol),
            "decline": lambda: referrals.decline(referral, actor=carol, note="No."),
            "complete": lambda: referrals.complete(referral, actor=carol),
            "revoke": lambda: referrals.revoke(referral, actor=alice),
        }
        for step in steps:
            do[step]()
        state, events = referral.state, Event.objects.count()
        with pytest.raises(CaseError, match=f"This referral is {state}"):
            do[refused]()
        assert Referral.objects.get(pk=referral.pk).state == state
        assert Event.objects.count() == events

    def test_only_a_writer_of_the_receiving_organisation_answers(self, alice, bob, carol):
        referral = refer(make_case(alice, consent=ALL_CONSENT), alice, carol.organisation)
        reader = shelter_member(carol, Role.ANALYST, "shelter-analyst")
        for actor in (alice, bob, reader):
            for answer in (referrals.accept, referrals.decline):
                with pytest.raises(PermissionDenied):
                    answer(referral, actor=actor, note="x")
        assert Referral.objects.get(pk=referral.pk).state == "pending"

    def test_a_frontline_worker_of_the_receiver_may_answer(self, alice, carol):
        referral = refer(make_case(alice, consent=ALL_CONSENT), alice, carol.organisation)
        frontline = shelter_member(carol, Role.FRONTLINE, "shelter-frontline")
        referrals.accept(referral, actor=frontline)
        assert referral.receiving_case_worker == frontline

    @pytest.mark.parametrize("accepted", [False, True])
    def test_the_sender_revokes_while_it_is_live(self, alice, carol, accepted):
        referral = refer(make_case(alice, consent=ALL_CONSENT), alice, carol.organisation)
        if accepted:
            referrals.accept(referral, actor=carol)
        referrals.revoke(referral, actor=alice)
        saved = Referral.objects.get(pk=referral.pk)
        assert saved.state == "revoked" and saved.revoked_at is not None
        assert actions(referral)[-1] == "referral.revoked"

    def test_only_a_referrer_of_the_sender_revokes(self, alice, bob, carol):
        referral = refer(make_case(alice, consent=ALL_CONSENT), alice, carol.organisation)
        for actor in (bob, carol):
            with pytest.raises(PermissionDenied):
                referrals.revoke(referral, actor=actor)
        assert Referral.objects.get(pk=referral.pk).state == "pending"

    def test_the_whole_story_is_in_the_audit_log(self, alice, carol):
        referral = refer(make_case(alice, consent=ALL_CONSENT), alice, carol.organisation)
        referrals.accept(referral, actor=carol)
        referrals.complete(referral, actor=carol)
        assert actions(referral) == ["referral.sent", "referral.accepted", "referral.completed"]
        states = Change.objects.filter(section="referral", field="state").order_by("id")
        assert [(row.old, row.new) for row in states] == [
            ("pending", "accepted"),
            ("accepted", "completed"),
        ]


class TestReceiverView:
    """What the receiving organisation sees of the case after each step."""

    def test_through_acceptance_and_completion(self, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        referral = refer(case, alice, carol.organisation, ["summary", "support"])
        expected = {"summary", "support"}
        access = access_case(carol, case.pk)
        assert access.sections == frozenset() and access.pending  # the request only
        referrals.accept(referral, actor=carol)
        assert access_case(carol, case.pk).sections == expected
        referrals.complete(referral, actor=carol)
        access = access_case(carol, case.pk)
        assert access.sections == expected and not access.owner

    @pytest.mark.parametrize("end", ["decline", "revoke"])
    def test_nothing_after_a_decline_or_a_revoke(self, alice, carol, end):
        case = make_case(alice, consent=ALL_CONSENT)
        referral = refer(case, alice, carol.organisation)
        if end == "decline":
            referrals.decline(referral, actor=carol, note="No places.")
        else:
            referrals.revoke(referral, actor=alice)
        with pytest.raises(Http404):
            access_case(carol, case.pk)


class TestTransfer:
    @pytest.fixture
    def accepted(self, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        referral = refer(case, alice, carol.organisation, list(Section.values))
        referrals.accept(referral, actor=carol)
        return referral

    def test_the_case_and_its_people_move_to_the_receiver(self, accepted, alice, carol):
        case = accepted.case
        perpetrator = add_person(case, alice, role="perpetrator", name="Broker")
        task = services.add_task(
            case, actor=alice, title="Call", due=date(2030, 1, 1), assigned_to=alice
        )
        referrals.transfer_ownership(accepted, actor=alice)
        case.refresh_from_db()
        assert case.organisation == carol.organisation and case.case_worker == carol
        people = Person.objects.filter(participations__case=case)
        assert {person.organisation_id for person in people} == {carol.organisation_id}
        assert Person.objects.get(pk=perpetrator.pk).organisation == carol.organisation
        task.refresh_from_db()
        assert task.assigned_to is None
        accepted.refresh_from_db()
        assert accepted.state == "completed" and accepted.completed_at is not None
        event = last_event("case.transferred")
        assert event.organisation_id == alice.organisation_id
        assert event.summary == {
            "from": str(alice.organisation_id),
            "to": str(carol.organisation_id),
            "notes": False,
            "attachments": False,
            "history": False,
        }
        owner = Change.objects.filter(case=case, field="organisation").get()
        assert (owner.old, owner.new) == (str(alice.organisation_id), str(carol.organisation_id))

    def test_ticked_notes_go_with_the_case(self, accepted, alice, carol):
        case = accepted.case
        services.add_note(case, actor=alice, body="Her aunt is safe to call.")
        referrals.transfer_ownership(accepted, actor=alice, notes=True)
        access = access_case(carol, case.pk)
        assert access.owner and handover.visible_notes(access.case).count() == 1
        with pytest.raises(Http404):
            access_case(alice, case.pk)

    def test_only_a_referrer_of_the_owner_transfers(self, accepted, bob, carol):
        for actor in (bob, carol):
            with pytest.raises(PermissionDenied):
                referrals.transfer_ownership(accepted, actor=actor)
        accepted.case.refresh_from_db()
        assert accepted.case.organisation_id == bob.organisation_id

    def test_it_needs_identity_and_contact(self, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        referral = refer(case, alice, carol.organisation, ["summary", "identity"])
        referrals.accept(referral, actor=carol)
        with pytest.raises(CaseError, match="identity and contact"):
            referrals.transfer_ownership(referral, actor=alice)
        case.refresh_from_db()
        assert case.organisation == alice.organisation

    def test_it_needs_an_accepted_referral(self, alice, carol):
        referral = refer(
            make_case(alice, consent=ALL_CONSENT), alice, carol.organisation, Section.values
        )
        with pytest.raises(CaseError, match="pending"):
            referrals.transfer_ownership(referral, actor=alice)
        referrals.accept(referral, actor=carol)
        referrals.complete(referral, actor=carol)
        with pytest.raises(CaseError, match="completed"):
            referrals.transfer_ownership(referral, actor=alice)

    def test_after_a_transfer_the_old_owner_cannot_refer_it(self, accepted, alice, carol):
        referrals.transfer_ownership(accepted, actor=alice)
        with pytest.raises(PermissionDenied):
            refer(accepted.case, alice, carol.organisation)

    def test_after_a_transfer_the_new_owner_controls_the_other_referrals(
        self, accepted, alice, carol, mallory
    ):
        third = refer(accepted.case, alice, mallory.organisation, ["summary"])
        referrals.transfer_ownership(accepted, actor=alice)
        with pytest.raises(PermissionDenied):
            referrals.revoke(third, actor=alice)  # the former owner sees nothing of it now
        referrals.revoke(third, actor=carol)
        assert Referral.objects.get(pk=third.pk).state == "revoked"
        assert access_referral(carol, third.pk) == third

    def test_the_new_owner_revokes_through_the_page(self, client, accepted, alice, carol, mallory):
        third = refer(accepted.case, alice, mallory.organisation, ["summary"])
        referrals.transfer_ownership(accepted, actor=alice)
        response = sign_in(client, carol).post(f"/en/staff/cases/referrals/{third.pk}/revoke/")
        assert response.status_code == 302
        assert Referral.objects.get(pk=third.pk).state == "revoked"
