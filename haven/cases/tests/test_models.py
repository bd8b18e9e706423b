"""The case models: references and pseudonyms, encryption at rest, and the rules the database keeps."""

import re

import pytest
from django.core.exceptions import FieldError
from django.db import IntegrityError, connection, transaction

from haven.cases import models, services
from haven.cases.models import (
    ALPHABET,
    LIVE_STATES,
    VISIBLE_STATES,
    Case,
    Participant,
    Person,
    Referral,
    ReferralState,
    Section,
    new_case_reference,
    new_pseudonym,
)
from haven.cases.tests.helpers import make_case
from haven.cases.tests.stored import stored
from haven.lib.crypto import DecryptionError, EncryptedBinaryField, EncryptedTextField

REFERENCE = re.compile(rf"C-[{ALPHABET}]{{7}}")
PSEUDONYM = re.compile(rf"P-[{ALPHABET}]{{5}}")


class TestReferences:
    def test_a_reference_is_c_and_seven_unambiguous_characters(self):
        for _ in range(200):
            assert REFERENCE.fullmatch(new_case_reference())

    def test_the_alphabet_leaves_out_characters_people_misread(self):
        assert not set("01IO") & set(ALPHABET)
        assert len(set(ALPHABET)) == len(ALPHABET) == 32

    def test_references_are_random_not_counted(self):
        drawn = {new_case_reference() for _ in range(500)}
        assert len(drawn) == 500
        # A counter would share a long prefix; random draws use the whole alphabet at once.
        assert len({reference[2] for reference in drawn}) > 20

    def test_a_pseudonym_is_p_and_five_characters(self):
        drawn = {new_pseudonym() for _ in range(200)}
        assert all(PSEUDONYM.fullmatch(pseudonym) for pseudonym in drawn)
        assert len(drawn) > 190

    @pytest.mark.django_db
    def test_a_new_person_gets_a_pseudonym_by_itself(self, hotline):
        person = Person.objects.create(organisation=hotline, first_name="Lan")
        assert PSEUDONYM.fullmatch(person.pseudonym) and str(person) == person.pseudonym


class TestStatus:
    @pytest.mark.parametrize(
        "status, is_open",
        [("Active", True), ("FollowUp", True), ("Closed", False), ("ClosedReferred", False)],
    )
    def test_only_active_and_follow_up_cases_are_open(self, status, is_open):
        assert Case(status=status).is_open is is_open

    def test_the_states_a_receiver_sees_and_the_live_ones(self):
        assert set(LIVE_STATES) == {"pending", "accepted"}
        assert set(VISIBLE_STATES) == {"pending", "accepted", "completed"}
        assert set(ReferralState.values) - set(VISIBLE_STATES) == {"declined", "revoked"}

    def test_notes_files_and_history_are_not_sections_a_referral_can_share(self):
        assert set(Section.values) == {"summary", "exploitation", "support", "identity", "contact"}


# Every column that names, locates or describes a person (docs/cases.md, "Model").
ENCRYPTED = {
    models.Case: {
        "closure_reason",
        "summary",
        "referring_case_worker",
        "incoming_referral_details",
        "external_referred_case_worker",
        "external_referral_details",
    },
    models.Person: {
        "salutation",
        "first_name",
        "middle_name",
        "second_name",
        "birthdate",
        "identity_number",
        "title",
        "email",
        "home_phone",
        "mobile_phone",
        "mailing_street",
        "mailing_city",
        "mailing_state",
        "mailing_postal_code",
        "mailing_latitude",
        "mailing_longitude",
    },
    models.Participant: {"vulnerability_details", "role_details"},
    models.TraffickingEvent: {"street", "latitude", "longitude", "description"},
    models.SupportService: {"objectives", "action_plan"},
    models.Note: {"body"},
    models.Attachment: {"data"},
    models.Task: {"title"},
    models.Change: {"old", "new"},
    models.Referral: {"details", "response_note"},
    models.Screening: {"record"},
}


@pytest.mark.parametrize("model", list(ENCRYPTED), ids=lambda model: model.__name__)
def test_each_personal_column_is_encrypted_and_no_other(model):
    found = {
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, (EncryptedTextField, EncryptedBinaryField))
    }
    assert found == ENCRYPTED[model]


@pytest.mark.django_db
class TestEncryptionAtRest:
    def test_the_same_text_encrypts_differently_each_time(self, alice):
        one = make_case(alice, summary="Same words.")
        two = make_case(alice, summary="Same words.")
        assert stored(Case, one.pk, "summary") != stored(Case, two.pk, "summary")
        assert Case.objects.get(pk=one.pk).summary == Case.objects.get(pk=two.pk).summary

    def test_ciphertext_moved_to_another_column_does_not_decrypt(self, alice):
        case = make_case(alice, summary="Only for the summary column.")
        raw = stored(Case, case.pk, "summary")
        table = connection.ops.quote_name(Case._meta.db_table)
        column = connection.ops.quote_name(Case._meta.get_field("closure_reason").column)
        pk = Case._meta.pk.get_db_prep_value(case.pk, connection)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [raw, pk])
        with pytest.raises(DecryptionError):
            Case.objects.get(pk=case.pk).closure_reason  # noqa: B018

    def test_encrypted_text_cannot_be_searched(self):
        with pytest.raises(FieldError, match="encrypted"):
            Person.objects.filter(first_name="Lan")
        with pytest.raises(FieldError, match="encrypted"):
            Case.objects.filter(summary__icontains="karaoke")

    def test_an_encrypted_column_can_be_checked_for_null(self, alice):
        assert Case.objects.filter(summary__isnull=True).count() == 0

    def test_typed_columns_stay_readable_for_lists_and_statistics(self, alice):
        case = make_case(alice)
        participant = case.participants.get()
        assert stored(Case, case.pk, "risk") == "medium"
        assert stored(Person, participant.person_id, "gender") == "Feminine"
        assert stored(Participant, participant.pk, "trafficking_status") == (
            "PossibleVictimOfTrafficking"
        )


@pytest.mark.django_db
class TestDatabaseRules:
    def test_a_person_is_in_a_case_once(self, alice):
        case = make_case(alice)
        person = case.participants.get().person
        with pytest.raises(IntegrityError), transaction.atomic():
            Participant.objects.create(case=case, person=person, role="other")

    def test_a_reference_is_never_given_twice(self, alice):
        case = make_case(alice)
        with pytest.raises(IntegrityError), transaction.atomic():
            Case.objects.create(
                reference=case.reference, organisation=alice.organisation, country="VN"
            )

    def test_one_live_referral_per_case_and_organisation_even_past_the_services(self, alice, carol):
        case = make_case(alice)

        def referral(state):
            return Referral(
                case=case,
                from_organisation=alice.organisation,
                to_organisation=carol.organisation,
                reason="Other",
                sections=["summary"],
                state=state,
            )

        referral("declined").save()
        referral("completed").save()
        referral("pending").save()
        with pytest.raises(IntegrityError), transaction.atomic():
            referral("accepted").save()

    def test_a_person_in_a_case_cannot_be_deleted_from_under_it(self, alice):
        from django.db.models import ProtectedError

        person = make_case(alice).participants.get().person
        with pytest.raises(ProtectedError):
            person.delete()

    def test_deleting_a_case_takes_its_parts_with_it(self, alice):
        case = make_case(alice)
        services.add_note(case, actor=alice, body="Note.")
        participant = case.participants.get()
        participant.delete()  # a person outlives the case: first take them out of it
        case.delete()
        assert not models.Note.objects.filter(case_id=case.pk).exists()
        assert not models.Change.objects.filter(case_id=case.pk).exists()


@pytest.mark.django_db
class TestOrdering:
    def test_the_newest_cases_come_first(self, alice):
        from datetime import date

        old = make_case(alice, opened=date(2024, 1, 1))
        new = make_case(alice, opened=date(2026, 1, 1))
        same_day_later = make_case(alice, opened=date(2026, 1, 1))
        ours = Case.objects.filter(pk__in=[old.pk, new.pk, same_day_later.pk])
        assert list(ours) == [same_day_later, new, old]

    def test_people_are_listed_by_role_code_then_by_arrival(self, alice):
        case = make_case(alice)
        for role, name in (("other", "Aunt"), ("perpetrator", "Boss"), ("victim", "Hoa")):
            services.add_participant(
                case, actor=alice, role=role, person={"first_name": name}, details={}
            )
        roles = [participant.role for participant in case.participants.all()]
        assert roles == ["other", "perpetrator", "victim", "victim"]

    def test_history_reads_newest_first(self, alice):
        case = make_case(alice)
        services.update_case(case, actor=alice, values={"risk": "high"})
        assert case.changes.first().field == "risk"


@pytest.mark.django_db
def test_records_name_themselves_without_personal_data(alice, carol):
    case = make_case(alice, summary="Her name is Lan.")
    participant = case.participants.get()
    assert str(case) == case.reference
    assert str(participant) == f"{case.reference} victim {participant.person.pseudonym}"
    referral = Referral(case=case, to_organisation=carol.organisation)
    assert str(referral) == f"{case.reference} → Shelter HN"
    assert "Lan" not in str(participant) + str(case)
