"""The case services for people, events and support: history, encryption at rest, atomicity."""

from datetime import date

import pytest
from django.db import IntegrityError

from haven.audit.models import Event
from haven.cases import services
from haven.cases.models import Case, Change, Participant, Person, SupportService, TraffickingEvent
from haven.cases.services import CaseError
from haven.cases.tests.helpers import VICTIM, VICTIM_DETAILS, make_case
from haven.cases.tests.stored import last_event, stored

pytestmark = pytest.mark.django_db

# What a person's record must never show in the database as plain text.
SECRETS = {
    "first_name": "Ngọc Lan",
    "second_name": "Tran Thi",
    "birthdate": "2004-03-09",
    "mobile_phone": "+84901234567",
    "mailing_city": "Nghe An",
    "identity_number": "038204001234",
}


def counts():
    return (
        Person.objects.count(),
        Participant.objects.count(),
        Change.objects.count(),
        Event.objects.count(),
    )


def add(case, actor, role="victim", person=None, **details):
    return services.add_participant(
        case, actor=actor, role=role, person=person or {"first_name": "Minh"}, details=details
    )


@pytest.fixture
def case(alice):
    return services.open_case(actor=alice, country="VN", summary="Recruited online.")


class TestAddParticipant:
    def test_it_adds_the_person_to_the_owner_organisation_with_a_pseudonym(self, case, alice):
        participant = services.add_participant(
            case, actor=alice, role="victim", person=dict(VICTIM), details=dict(VICTIM_DETAILS)
        )
        person = Person.objects.get(pk=participant.person_id)
        assert person.organisation == case.organisation
        assert person.pseudonym.startswith("P-") and len(person.pseudonym) == 7
        assert person.full_name == "Ngọc Lan Tran Thi"
        assert person.citizenship == ["VN"]
        saved = Participant.objects.get(pk=participant.pk)
        assert saved.case == case and saved.role == "victim"
        assert saved.control_methods == ["WithholdsDocuments", "DebtBondage"]
        assert saved.age_when_trafficked == 19

    def test_identifying_fields_hold_no_plain_text_in_the_database(self, case, alice):
        participant = services.add_participant(
            case, actor=alice, role="victim", person=dict(VICTIM), details={}
        )
        for field, secret in SECRETS.items():
            raw = stored(Person, participant.person_id, field)
            assert raw.startswith("hv1:") and secret not in raw, field
        assert stored(Person, participant.person_id, "gender") == "Feminine"

    def test_its_history_holds_no_plain_text_either(self, case, alice):
        participant = services.add_participant(
            case, actor=alice, role="victim", person=dict(VICTIM), details={}
        )
        rows = Change.objects.filter(case=case, section="person")
        assert {row.field for row in rows} == set(VICTIM)
        assert {row.object_id for row in rows} == {str(participant.person_id)}
        for row in rows:
            raw = stored(Change, row.pk, "new")
            assert all(secret not in raw for secret in SECRETS.values()), row.field
        assert rows.get(field="first_name").new == "Ngọc Lan"

    def test_the_audit_event_names_the_role_and_no_one(self, case, alice):
        services.add_participant(case, actor=alice, role="victim", person=dict(VICTIM), details={})
        event = last_event("case.person_added")
        assert event.object_id == str(case.pk) and event.summary == {"role": "victim"}

    def test_a_victim_is_registered_on_the_day_the_case_was_opened(self, case, alice):
        assert add(case, alice).registered == case.opened
        assert add(case, alice, registered=date(2024, 5, 1)).registered == date(2024, 5, 1)

    @pytest.mark.parametrize("role", ["perpetrator", "other"])
    def test_others_are_not_registered_as_victims(self, case, alice, role):
        assert add(case, alice, role=role).registered is None

    @pytest.mark.parametrize("role", ["", "witness", "VICTIM", None])
    def test_an_unknown_role_is_refused_and_nothing_is_written(self, case, alice, role):
        before = counts()
        with pytest.raises(CaseError, match="role"):
            add(case, alice, role=role)
        assert counts() == before

    def test_a_failing_detail_leaves_neither_person_nor_history(self, case, alice):
        before = counts()
        with pytest.raises(IntegrityError):
            # The person row is written first; the participant's negative age fails after it.
            add(case, alice, person=dict(VICTIM), age_when_trafficked=-1)
        assert counts() == before

    def test_a_zero_is_recorded_as_a_value_not_as_nothing(self, case, alice):
        add(case, alice, person={"first_name": "Hoa", "number_of_children": 0})
        rows = Change.objects.filter(case=case, section="person")
        assert rows.get(field="number_of_children").new == "0"

    def test_empty_values_make_no_history(self, case, alice):
        add(case, alice, person={"first_name": "Hoa", "middle_name": "", "citizenship": []})
        fields = set(
            Change.objects.filter(case=case, section="person").values_list("field", flat=True)
        )
        assert fields == {"first_name"}

    def test_the_case_is_touched(self, case, alice):
        moment = case.updated
        add(case, alice)
        case.refresh_from_db()
        assert case.updated > moment


class TestExploitationUnion:
    def test_the_case_lists_the_union_of_its_victims_kinds(self, case, alice):
        add(case, alice, exploitation_types=["SexualExploitation"])
        add(case, alice, exploitation_types=["ForcedLabour", "SexualExploitation"])
        case.refresh_from_db()
        assert case.exploitation_types == ["ForcedLabour", "SexualExploitation"]

    def test_a_perpetrators_kinds_do_not_count(self, case, alice):
        add(case, alice, role="perpetrator", exploitation_types=["OrganRemoval"])
        add(case, alice, role="other", exploitation_types=["ForcedBegging"])
        case.refresh_from_db()
        assert case.exploitation_types == []

    def test_it_follows_a_change_of_a_victims_kinds(self, case, alice):
        participant = add(case, alice, exploitation_types=["ForcedLabour"])
        services.update_participant(
            participant, actor=alice, person={}, details={"exploitation_types": ["Servitude"]}
        )
        case.refresh_from_db()
        assert case.exploitation_types == ["Servitude"]
        services.update_participant(
            participant, actor=alice, person={}, details={"exploitation_types": []}
        )
        case.refresh_from_db()
        assert case.exploitation_types == []

    def test_refreshing_an_unchanged_union_writes_nothing(
        self, case, alice, django_assert_num_queries
    ):
        add(case, alice, exploitation_types=["ForcedLabour"])
        case.refresh_from_db()
        with django_assert_num_queries(1):  # the read; no update
            services.refresh_exploitation(case)

    def test_refreshing_repairs_a_stale_list(self, case, alice):
        add(case, alice, exploitation_types=["ForcedMarriage"])
        Case.objects.filter(pk=case.pk).update(exploitation_types=["Surrogacy"])
        case.refresh_from_db()
        services.refresh_exploitation(case)
        case.refresh_from_db()
        assert case.exploitation_types == ["ForcedMarriage"]


class TestUpdateParticipant:
    def test_it_changes_person_and_details_with_field_history(self, alice):
        case = make_case(alice)
        participant = case.participants.get()
        changed = services.update_participant(
            participant,
            actor=alice,
            person={"first_name": "Lan", "gender": "Feminine"},
            details={"trafficking_status": "ActualVictimOfTrafficking", "age_when_trafficked": 19},
        )
        assert sorted(changed) == ["first_name", "trafficking_status"]
        person = Person.objects.get(pk=participant.person_id)
        assert person.first_name == "Lan"
        row = Change.objects.filter(case=case, section="person", field="first_name").first()
        assert (row.old, row.new) == ("Ngọc Lan", "Lan") and row.object_id == str(person.pk)
        status = Change.objects.filter(section="participant", field="trafficking_status").first()
        assert (status.old, status.new) == (
            "PossibleVictimOfTrafficking",
            "ActualVictimOfTrafficking",
        )
        assert last_event("case.person_updated").summary == {
            "fields": ["first_name", "trafficking_status"]
        }

    def test_the_old_name_is_encrypted_in_history(self, alice):
        case = make_case(alice)
        participant = case.participants.get()
        services.update_participant(
            participant, actor=alice, person={"first_name": "Lan"}, details={}
        )
        row = Change.objects.filter(case=case, field="first_name").first()  # the newest
        assert row.old == "Ngọc Lan" and "Ngọc" not in stored(Change, row.pk, "old")

    def test_nothing_changed_writes_nothing(self, alice):
        case = make_case(alice)
        participant = case.participants.get()
        before = counts()
        same = services.update_participant(
            participant,
            actor=alice,
            person={"first_name": VICTIM["first_name"]},
            details={"control_methods": VICTIM_DETAILS["control_methods"]},
        )
        assert same == []
        assert counts() == before

    def test_a_failing_detail_undoes_the_person_change(self, alice):
        case = make_case(alice)
        participant = case.participants.get()
        before = counts()
        with pytest.raises(AttributeError):
            services.update_participant(
                participant, actor=alice, person={"first_name": "Lan"}, details={"no_such": 1}
            )
        assert Person.objects.get(pk=participant.person_id).first_name == VICTIM["first_name"]
        assert counts() == before


class TestEvents:
    def test_an_event_is_added_with_history_and_an_audit_entry(self, case, alice):
        event = services.add_event(
            case,
            actor=alice,
            values={
                "type": "Exploitation",
                "date": date(2025, 3, 1),
                "country": "KH",
                "city": "Sihanoukville",
                "street": "Street 7, compound B",
                "description": "Held in a scam compound.",
            },
        )
        saved = TraffickingEvent.objects.get(pk=event.pk)
        assert saved.case == case and saved.type == "Exploitation"
        assert saved.street == "Street 7, compound B" and saved.city == "Sihanoukville"
        assert "compound" not in stored(TraffickingEvent, event.pk, "street")
        assert "scam" not in stored(TraffickingEvent, event.pk, "description")
        fields = set(
            Change.objects.filter(case=case, section="event", object_id=str(event.pk)).values_list(
                "field", flat=True
            )
        )
        assert fields == {"type", "date", "country", "city", "street", "description"}
        assert last_event("case.event_added").summary == {"event": str(event.pk)}

    def test_an_event_may_concern_one_person_in_the_case(self, case, alice):
        participant = add(case, alice)
        event = services.add_event(
            case, actor=alice, values={"type": "Transit", "participant": participant}
        )
        assert event.participant == participant
        row = Change.objects.get(section="event", field="participant")
        assert row.new == str(participant.pk)

    @pytest.mark.parametrize("kind", [None, "", "Kidnapping", "exploitation"])
    def test_an_unknown_type_is_refused(self, case, alice, kind):
        with pytest.raises(CaseError, match="type of event"):
            services.add_event(case, actor=alice, values={"type": kind, "city": "Hanoi"})
        assert not case.events.exists()


class TestSupport:
    def test_a_service_starts_planned(self, case, alice, carol):
        service = services.add_service(
            case,
            actor=alice,
            values={
                "type": "Health",
                "provider": carol.organisation,
                "objectives": "Medical check after return.",
            },
        )
        saved = SupportService.objects.get(pk=service.pk)
        assert saved.outcome == "planned" and saved.provider == carol.organisation
        assert "Medical" not in stored(SupportService, service.pk, "objectives")
        row = Change.objects.get(section="service", field="provider")
        assert row.new == str(carol.organisation.pk)
        assert last_event("case.service_added").summary == {"service": str(service.pk)}

    @pytest.mark.parametrize("kind", [None, "", "Shelter", "health"])
    def test_an_unknown_type_is_refused(self, case, alice, kind):
        with pytest.raises(CaseError, match="type of support"):
            services.add_service(case, actor=alice, values={"type": kind})
        assert not case.services.exists()

    def test_its_outcome_is_updated_with_history(self, case, alice):
        service = services.add_service(case, actor=alice, values={"type": "Legal"})
        moment = Case.objects.get(pk=case.pk).updated
        changed = services.update_service(
            service,
            actor=alice,
            values={"outcome": "completed", "actual_end": date(2026, 2, 1)},
        )
        assert changed == ["actual_end", "outcome"]
        row = Change.objects.get(section="service", object_id=str(service.pk), field="outcome")
        assert (row.old, row.new) == ("planned", "completed")
        assert last_event("case.service_updated").summary == {"fields": changed}
        assert Case.objects.get(pk=case.pk).updated > moment

    def test_an_unchanged_outcome_writes_nothing(self, case, alice):
        service = services.add_service(case, actor=alice, values={"type": "Legal"})
        before = Change.objects.count(), Event.objects.count()
        assert services.update_service(service, actor=alice, values={"outcome": "planned"}) == []
        assert (Change.objects.count(), Event.objects.count()) == before


class TestRecordChanges:
    def test_it_returns_the_changed_names_sorted(self, case, alice):
        changed = services.record_changes(
            case, case, actor=alice, section="case", values={"summary": "New.", "risk": "low"}
        )
        assert changed == ["risk", "summary"]

    def test_lists_are_kept_in_history_as_json(self, case, alice):
        person = Person(organisation=case.organisation)
        services.record_changes(
            case,
            person,
            actor=alice,
            section="person",
            values={"citizenship": ["VN", "KH"]},
            created=True,
        )
        assert Change.objects.get(field="citizenship").new == '["VN", "KH"]'

    def test_false_on_a_new_object_is_no_change_but_on_an_old_one_it_is(self, case, alice):
        person = Person(organisation=case.organisation)
        values = {"deceased": False, "first_name": "A"}
        services.record_changes(
            case, person, actor=alice, section="person", values=values, created=True
        )
        assert not Change.objects.filter(field="deceased").exists()
        services.record_changes(
            case, person, actor=alice, section="person", values={"deceased": True}
        )
        services.record_changes(
            case, person, actor=alice, section="person", values={"deceased": False}
        )
        rows = Change.objects.filter(field="deceased").order_by("id")
        assert [(row.old, row.new) for row in rows] == [("False", "True"), ("True", "False")]
        person.refresh_from_db()
        assert person.deceased is False
