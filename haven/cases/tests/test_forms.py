"""The case forms: what they accept, what they refuse, and that each error sits on its field.

Pages show an error next to the field it is keyed by, and the API turns the key into the
`field` of its error: a rule that reports on the wrong key points the user at the wrong input.
"""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases import forms, htcds, services
from haven.cases.models import ConsentItem, Section
from haven.cases.tests.helpers import make_case

pytestmark = pytest.mark.django_db


def errors_of(form) -> dict:
    assert not form.is_valid()
    return {
        field: [str(message) for message in messages] for field, messages in form.errors.items()
    }


class TestCountryListField:
    field = forms.CountryListField(required=False)

    @pytest.mark.parametrize(
        "value, expected",
        [
            ("VN, KH", ["VN", "KH"]),
            ("vn kh", ["VN", "KH"]),
            ("VN,KH,,  TH", ["VN", "KH", "TH"]),
            ("KH VN KH", ["KH", "VN"]),
            (["LA", "MM"], ["LA", "MM"]),
            ("", []),
            (None, []),
            ([], []),
        ],
    )
    def test_it_reads_codes_in_any_spacing_and_case(self, value, expected):
        assert self.field.clean(value) == expected

    @pytest.mark.parametrize(
        "value, named", [("VN, XX", "XX"), ("VNM", "VNM"), ("vn, zz, q", "ZZ, Q")]
    )
    def test_it_names_the_codes_that_are_not_countries(self, value, named):
        with pytest.raises(forms.forms.ValidationError) as error:
            self.field.clean(value)
        assert error.value.messages == [f"Not ISO country codes: {named}"]

    @pytest.mark.parametrize(
        "value, expected",
        [("Việt Nam, Lào", ["VN", "LA"]), (["Campuchia", "Thailand"], ["KH", "TH"])],
    )
    def test_it_reads_names_in_any_language(self, value, expected):
        assert self.field.clean(value) == expected

    def test_it_is_a_list_of_country_names_in_the_page_language(self):
        with translation.override("vi"):
            html = str(forms.PersonForm()["citizenship"])
        assert '<select name="citizenship"' in html and "multiple" in html
        assert '<option value="VN">Việt Nam</option>' in html

    def test_it_is_required_when_told_so(self):
        with pytest.raises(forms.forms.ValidationError):
            forms.CountryListField(required=True).clean("")


class TestCaseForm:
    def test_it_accepts_a_complete_case(self, alice):
        form = forms.CaseForm(
            data={
                "status": "FollowUp",
                "case_worker": alice.pk,
                "country": "KH",
                "risk": "high",
                "opened": "2026-01-02",
                "summary": "",
            },
            organisation_id=alice.organisation_id,
        )
        assert form.is_valid(), form.errors
        assert form.cleaned_data["opened"] == date(2026, 1, 2)
        assert form.cleaned_data["case_worker"] == alice

    def test_required_fields_are_named(self, alice):
        errors = errors_of(forms.CaseForm(data={}, organisation_id=alice.organisation_id))
        assert set(errors) == {"status", "country", "risk", "opened"}
        assert errors["country"] == ["This field is required."]

    @pytest.mark.parametrize("status", ["Closed", "ClosedReferred", "Open"])
    def test_a_case_is_not_closed_through_it(self, alice, status):
        form = forms.CaseForm(
            data={"status": status, "country": "VN", "risk": "low", "opened": "2026-01-02"},
            organisation_id=alice.organisation_id,
        )
        assert set(errors_of(form)) == {"status"}

    @pytest.mark.parametrize(
        "field, value", [("country", "XX"), ("risk", "extreme"), ("opened", "2026-02-30")]
    )
    def test_bad_values_are_refused_on_their_field(self, alice, field, value):
        data = {"status": "Active", "country": "VN", "risk": "low", "opened": "2026-01-02"}
        form = forms.CaseForm(data={**data, field: value}, organisation_id=alice.organisation_id)
        assert set(errors_of(form)) == {field}

    def test_a_closed_case_keeps_its_status_on_the_form(self, alice):
        case = make_case(alice)
        services.close_case(case, actor=alice, reason="Back home.")
        case.refresh_from_db()
        form = forms.CaseForm(instance=case, organisation_id=alice.organisation_id)
        assert [code for code, _ in form.fields["status"].choices] == ["Closed"]
        data = {"status": "Active", "country": "VN", "risk": "low", "opened": "2026-01-02"}
        edit = forms.CaseForm(data=data, instance=case, organisation_id=alice.organisation_id)
        assert set(errors_of(edit)) == {"status"}
        kept = forms.CaseForm(
            data={**data, "status": "Closed"}, instance=case, organisation_id=alice.organisation_id
        )
        assert kept.is_valid(), kept.errors

    def test_only_active_writers_of_the_organisation_can_be_the_worker(
        self, alice, bob, oscar, carol
    ):
        gone = User.objects.create(
            username="gone", organisation=alice.organisation, role=Role.CASE_MANAGER
        )
        gone.is_active = False
        gone.save()
        form = forms.CaseForm(organisation_id=alice.organisation_id)
        workers = set(form.fields["case_worker"].queryset)
        assert {alice, bob} <= workers
        assert not workers & {oscar, carol, gone}
        data = {"status": "Active", "country": "VN", "risk": "low", "opened": "2026-01-02"}
        refused = forms.CaseForm(
            data={**data, "case_worker": carol.pk}, organisation_id=alice.organisation_id
        )
        assert set(errors_of(refused)) == {"case_worker"}


class TestNewCaseForm:
    def test_it_has_a_source_and_no_status(self, alice):
        form = forms.NewCaseForm(organisation_id=alice.organisation_id)
        assert "status" not in form.fields
        sources = [code for code, _ in form.fields["source"].choices]
        assert "import" not in sources and "" not in sources
        assert {"report", "hotline", "walk_in", "screening", "referral"} <= set(sources)

    def test_imported_is_not_a_source_a_person_can_choose(self, alice):
        data = {"source": "import", "country": "VN", "risk": "low", "opened": "2026-01-02"}
        form = forms.NewCaseForm(data=data, organisation_id=alice.organisation_id)
        assert set(errors_of(form)) == {"source"}

    def test_a_valid_new_case_opens_with_its_cleaned_data(self, alice):
        data = {"source": "hotline", "country": "VN", "risk": "low", "opened": "2026-01-02"}
        form = forms.NewCaseForm(data=data, organisation_id=alice.organisation_id)
        assert form.is_valid(), form.errors
        case = services.open_case(actor=alice, **form.cleaned_data)
        assert case.source == "hotline" and case.opened == date(2026, 1, 2)


class TestCloseForm:
    def test_a_reason_is_required(self):
        assert errors_of(forms.CloseForm(data={"referred": "on"})) == {
            "reason": ["This field is required."]
        }

    def test_the_reason_has_a_limit(self):
        assert set(errors_of(forms.CloseForm(data={"reason": "x" * 5001}))) == {"reason"}

    def test_referred_is_optional(self):
        form = forms.CloseForm(data={"reason": "Safe at home."})
        assert form.is_valid() and form.cleaned_data["referred"] is False


class TestPersonForm:
    def test_it_gives_the_services_an_iso_birth_date_and_country_codes(self):
        form = forms.PersonForm(
            data={"first_name": "Lan", "birthdate": "2004-03-09", "citizenship": "vn, kh"}
        )
        assert form.is_valid(), form.errors
        values = form.values()
        assert values["birthdate"] == "2004-03-09" and values["citizenship"] == ["VN", "KH"]
        assert "mailing_latitude" not in values and "pseudonym" not in values

    def test_an_empty_birth_date_is_an_empty_string(self):
        form = forms.PersonForm(data={"first_name": "Lan"})
        assert form.is_valid() and form.values()["birthdate"] == ""

    @pytest.mark.parametrize(
        "field, value",
        [
            ("birthdate", "2004-13-40"),
            ("birthdate", "09/03/2004x"),
            ("citizenship", "VN, Atlantis"),
            ("gender", "Female"),
            ("marital_status", "Complicated"),
            ("education", "University"),
            ("number_of_children", "-1"),
            ("mailing_country", "XX"),
        ],
    )
    def test_bad_values_are_refused_on_their_field(self, field, value):
        assert set(errors_of(forms.PersonForm(data={"first_name": "Lan", field: value}))) == {field}

    def test_every_field_may_be_left_empty(self):
        assert forms.PersonForm(data={}).is_valid()

    def test_it_shows_a_stored_birth_date_as_a_date(self, alice):
        case = make_case(alice)
        person = case.participants.get().person
        form = forms.PersonForm(instance=person)
        assert form.initial["birthdate"] == date(2004, 3, 9)
        assert form["citizenship"].value() == ["VN"]  # the stored list, selected

    def test_identifying_fields_are_one_line_inputs(self):
        form = forms.PersonForm()
        assert form.fields["first_name"].widget.input_type == "text"
        assert form.fields["birthdate"].widget.input_type == "date"


class TestParticipantForm:
    def test_an_end_before_the_beginning_is_refused_on_the_end(self):
        form = forms.ParticipantForm(
            data={
                "role": "victim",
                "exploitation_began": "2025-02-01",
                "exploitation_ended": "2025-01-31",
            }
        )
        assert errors_of(form) == {"exploitation_ended": ["The end comes before the beginning."]}

    @pytest.mark.parametrize(
        "began, ended", [("2025-02-01", "2025-02-01"), ("2025-02-01", ""), ("", "2025-01-01")]
    )
    def test_a_same_day_or_open_ended_period_is_fine(self, began, ended):
        form = forms.ParticipantForm(
            data={"role": "victim", "exploitation_began": began, "exploitation_ended": ended}
        )
        assert form.is_valid(), form.errors

    @pytest.mark.parametrize("field", sorted(forms.MULTI_SELECTS))
    def test_each_picklist_takes_only_its_own_codes(self, field):
        codes = [code for code, _ in forms.MULTI_SELECTS[field]]
        good = forms.ParticipantForm(data={"role": "victim", field: codes[:2]})
        assert good.is_valid(), good.errors
        assert good.values()[field] == codes[:2]
        bad = forms.ParticipantForm(data={"role": "victim", field: [codes[0], "NotACode"]})
        assert set(errors_of(bad)) == {field}

    def test_a_code_from_another_picklist_is_refused(self):
        form = forms.ParticipantForm(data={"role": "victim", "control_methods": ["ForcedLabour"]})
        assert set(errors_of(form)) == {"control_methods"}

    @pytest.mark.parametrize(
        "field, value",
        [
            ("role", "witness"),
            ("trafficking_status", "Victim"),
            ("status_decided_by", "Neighbour"),
            ("relationship_to_trafficker", "Friend"),
            ("age_when_trafficked", "-1"),
            ("exploitation_country", "XX"),
            ("registered", "yesterday"),
        ],
    )
    def test_bad_values_are_refused_on_their_field(self, field, value):
        form = forms.ParticipantForm(data={"role": "victim", field: value})
        assert set(errors_of(form)) == {field}

    def test_a_role_is_required(self):
        assert set(errors_of(forms.ParticipantForm(data={}))) == {"role"}

    def test_the_values_leave_the_role_out(self):
        form = forms.ParticipantForm(
            data={"role": "perpetrator", "roles_in_process": ["Exploiter"]}
        )
        assert form.is_valid(), form.errors
        values = form.values()
        assert "role" not in values and values["roles_in_process"] == ["Exploiter"]
        assert set(values) == set(forms.PARTICIPANT_FIELDS)

    def test_it_shows_the_stored_codes_when_editing(self, alice):
        participant = make_case(alice).participants.get()
        form = forms.ParticipantForm(instance=participant)
        assert form.initial["control_methods"] == ["WithholdsDocuments", "DebtBondage"]
        assert form.initial["exploitation_types"] == ["ForcedLabour"]

    def test_picklist_labels_start_with_a_capital(self):
        form = forms.ParticipantForm()
        assert form.fields["control_methods"].label == "Methods of control"


@pytest.fixture
def case(alice):
    case = make_case(alice)
    services.add_participant(
        case, actor=alice, role="perpetrator", person={"first_name": "Boss"}, details={}
    )
    return case


class TestEventAndServiceForms:
    def test_an_event_may_name_only_a_person_of_this_case(self, alice, case):
        other = make_case(alice).participants.get()
        mine = case.participants.first()
        data = {"type": "Recruitment", "date": "2025-01-01", "country": "VN"}
        assert forms.EventForm(data={**data, "participant": mine.pk}, case=case).is_valid()
        form = forms.EventForm(data={**data, "participant": other.pk}, case=case)
        assert set(errors_of(form)) == {"participant"}

    @pytest.mark.parametrize(
        "field, value", [("type", "Kidnap"), ("date", "soon"), ("country", "XX")]
    )
    def test_an_event_refuses_bad_values_on_their_field(self, case, field, value):
        data = {"type": "Transit", field: value}
        assert set(errors_of(forms.EventForm(data=data, case=case))) == {field}

    def test_an_event_needs_its_type(self, case):
        assert set(errors_of(forms.EventForm(data={"city": "Hanoi"}, case=case))) == {"type"}

    def test_a_service_without_an_outcome_is_planned(self, case, carol):
        form = forms.ServiceForm(
            data={"type": "Legal", "provider": carol.organisation.pk}, case=case
        )
        assert form.is_valid(), form.errors
        assert form.cleaned_data["outcome"] == "planned"
        assert form.cleaned_data["provider"] == carol.organisation

    def test_a_service_refuses_a_person_of_another_case_and_an_unknown_type(self, alice, case):
        other = make_case(alice).participants.get()
        form = forms.ServiceForm(data={"type": "Shelter", "participant": other.pk}, case=case)
        assert set(errors_of(form)) == {"type", "participant"}

    def test_an_outcome_must_be_one_of_the_list(self, case):
        assert set(errors_of(forms.OutcomeForm(data={"outcome": "done"}))) == {"outcome"}
        assert forms.OutcomeForm(
            data={"outcome": "completed", "actual_end": "2026-01-01"}
        ).is_valid()


class TestConsentForm:
    def test_perpetrators_are_not_asked(self, case):
        form = forms.ConsentForm(case=case)
        victim = case.participants.get(role="victim").person
        label = f"{victim.full_name} ({victim.pseudonym})"
        assert form.fields["person"].choices == [(str(victim.pk), label)]
        assert set(form.fields) == {"person", "information_version", *ConsentItem.values}

    def test_it_turns_yes_and_no_into_answers_and_leaves_the_rest_out(self, case):
        victim = case.participants.get(role="victim").person
        form = forms.ConsentForm(
            data={"person": str(victim.pk), "interview": "yes", "research": "no", "purpose": ""},
            case=case,
        )
        assert form.is_valid(), form.errors
        assert form.answers() == {"interview": True, "research": False}

    def test_at_least_one_item_must_be_answered(self, case):
        victim = case.participants.get(role="victim").person
        form = forms.ConsentForm(data={"person": str(victim.pk)}, case=case)
        assert errors_of(form) == {"__all__": ["Answer at least one consent item."]}

    def test_a_perpetrator_or_a_stranger_cannot_be_chosen(self, alice, case):
        perpetrator = case.participants.get(role="perpetrator").person
        stranger = make_case(alice).participants.get().person
        for person in (perpetrator, stranger):
            form = forms.ConsentForm(data={"person": str(person.pk), "interview": "yes"}, case=case)
            assert set(errors_of(form)) == {"person"}

    def test_an_answer_is_yes_no_or_not_asked(self, case):
        victim = case.participants.get(role="victim").person
        form = forms.ConsentForm(data={"person": str(victim.pk), "interview": "maybe"}, case=case)
        assert "interview" in errors_of(form)


class TestTaskForm:
    def test_a_task_needs_a_title_and_a_real_due_date(self, alice):
        form = forms.TaskForm(
            data={"title": "", "due": "2026-02-30"}, organisation_id=alice.organisation_id
        )
        assert set(errors_of(form)) == {"title", "due"}

    def test_it_goes_to_a_writer_of_the_organisation_or_nobody(self, alice, bob, oscar, carol):
        for person in (oscar, carol):
            form = forms.TaskForm(
                data={"title": "Call", "due": "2026-01-01", "assigned_to": person.pk},
                organisation_id=alice.organisation_id,
            )
            assert set(errors_of(form)) == {"assigned_to"}
        for person, expected in ((bob, bob), (None, None)):
            data = {"title": "Call", "due": "2026-01-01"}
            if person:
                data["assigned_to"] = person.pk
            form = forms.TaskForm(data=data, organisation_id=alice.organisation_id)
            assert form.is_valid(), form.errors
            assert form.cleaned_data["assigned_to"] == expected

    def test_a_title_has_a_limit(self, alice):
        form = forms.TaskForm(
            data={"title": "x" * 501, "due": "2026-01-01"}, organisation_id=alice.organisation_id
        )
        assert set(errors_of(form)) == {"title"}


class TestNoteAndAttachmentForms:
    def test_a_note_is_required_and_limited(self):
        assert set(errors_of(forms.NoteForm(data={"body": ""}))) == {"body"}
        assert set(errors_of(forms.NoteForm(data={"body": "x" * 20_001}))) == {"body"}
        assert forms.NoteForm(data={"body": "Called her mother."}).is_valid()

    def test_a_text_file_is_cleaned_into_a_clean_file(self):
        upload = SimpleUploadedFile("notes.txt", "Lời khai của chị Lan.".encode(), "text/plain")
        form = forms.AttachmentForm(data={}, files={"file": upload})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["file"].kind == "text"

    def test_a_program_is_refused_on_the_file_field(self):
        upload = SimpleUploadedFile("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" * 8)
        form = forms.AttachmentForm(data={}, files={"file": upload})
        assert set(errors_of(form)) == {"file"}


class TestReferralForm:
    def test_the_owner_is_not_among_the_organisations(self, alice, case, carol):
        form = forms.ReferralForm(case=case)
        choices = set(form.fields["to_organisation"].queryset)
        assert alice.organisation not in choices and carol.organisation in choices

    def test_it_needs_an_organisation_a_reason_and_sections(self, case):
        assert set(errors_of(forms.ReferralForm(data={}, case=case))) == {
            "to_organisation",
            "reason",
            "sections",
        }

    def test_it_refuses_unknown_sections_and_reasons(self, case, carol):
        data = {
            "to_organisation": carol.organisation.pk,
            "reason": "Boredom",
            "sections": ["notes"],
        }
        assert set(errors_of(forms.ReferralForm(data=data, case=case))) == {"reason", "sections"}

    def test_referring_to_oneself_is_refused(self, alice, case):
        data = {
            "to_organisation": alice.organisation.pk,
            "reason": htcds.ReferralReason.OTHER,
            "sections": [Section.SUMMARY],
        }
        assert set(errors_of(forms.ReferralForm(data=data, case=case))) == {"to_organisation"}

    def test_a_valid_referral(self, case, carol):
        data = {
            "to_organisation": carol.organisation.pk,
            "reason": "AdditionalServicesRequired",
            "sections": ["summary", "support"],
            "details": "Bus at 7.",
        }
        form = forms.ReferralForm(data=data, case=case)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["sections"] == ["summary", "support"]

    def test_a_response_note_is_optional_and_limited(self):
        assert forms.ResponseForm(data={}).is_valid()
        assert set(errors_of(forms.ResponseForm(data={"note": "x" * 2001}))) == {"note"}
