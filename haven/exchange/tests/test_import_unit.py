"""HTCDS import against the database: a file with any invalid row writes nothing at all, the same
file twice makes two sets of cases, and hard values come back unchanged from a round trip."""

import csv
import io
import json

import pytest

from haven.audit.models import Event
from haven.cases import services
from haven.cases.models import (
    Case,
    Change,
    Consent,
    Participant,
    Person,
    SupportService,
    TraffickingEvent,
)
from haven.exchange import importer
from haven.exchange.export import cases_for_export, csv_header, export_csv, export_json
from haven.exchange.importer import import_bytes, new_references

pytestmark = pytest.mark.django_db

TABLES = (Case, Person, Participant, Consent, Change, TraffickingEvent, SupportService)
GOOD = {"cas_CaseOwner": "alice", "prs_FirstName": "Hoa", "prs_Gender": "Feminine",
        "con_Consent": "TRUE", "vic_TypeOfExploitation": "ForcedLabour"}  # fmt: skip
HARD = {
    "first_name": "Ánh Tuyết",
    "second_name": "Nguyễn Thị",
    "salutation": "=cmd|' /C calc'!A0",
    "title": 'Chị "Út", cô giáo',
    "mailing_street": "Số 12, ngõ 34\nphố Lê Lợi",
    "mailing_city": "Thành phố Hồ Chí Minh",
    "mailing_state": "-Bình Dương",
    "identity_number": "038204001234",
    "gender": "Feminine",
    "citizenship": ["VN", "KH"],
    "birthdate": "2004-02-29",
}
PERSON_FIELDS = list(HARD)


def snapshot() -> dict:
    return {model.__name__: model.objects.count() for model in TABLES} | {
        "events": Event.objects.filter(action="cases.imported").count()
    }


def csv_text(*rows: dict, extended=False) -> bytes:
    header = csv_header(extended)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return buffer.getvalue().encode()


def load(content: bytes, user, name="cases.csv", **options):
    return import_bytes(
        content, filename=name, organisation=user.organisation, actor=user, **options
    )


class TestAllOrNothing:
    def test_a_csv_with_one_bad_row_among_good_ones_writes_nothing_and_names_each_problem(
        self, alice
    ):
        before = snapshot()
        content = csv_text(
            GOOD,
            {**GOOD, "prs_FirstName": "Mai", "prs_Citizenship": "VN;XX"},
            GOOD,
            {**GOOD, "cas_IncomingReferralDate": "31/02/2024", "prs_HomePhone": "012"},
            GOOD,
        )
        result = load(content, alice)
        assert result.blocked and not result.written
        assert [(p.row, p.field) for p in result.problems] == [
            (3, "prs_Citizenship"),
            (5, "prs_HomePhone"),
            (5, "cas_IncomingReferralDate"),
        ]
        assert (result.rows, result.cases, result.invalid_rows) == (5, 3, 2)
        assert snapshot() == before

    def test_a_json_with_one_bad_case_writes_nothing(self, alice):
        before = snapshot()
        document = {
            "format": "haven-htcds",
            "cases": [
                {"cas_Status": "Active", "participants": [
                    {"role": "victim", "person": {"prs_FirstName": "Hoa"}}]},
                {"cas_Status": "Active", "events": [{"hte_Type": "Transit"}],
                 "services": [{"spl_Type": "Health", "spl_Provider": "Nowhere"}]},
            ],
        }  # fmt: skip
        result = load(json.dumps(document).encode(), alice, name="cases.json")
        assert result.blocked and result.format == "json"
        assert [str(p) for p in result.problems] == [
            "row 2, field services.1.spl_Provider: “Nowhere” is not the name of an "
            "organisation in Haven"
        ]
        assert snapshot() == before

    def test_a_dry_run_of_a_good_file_counts_everything_and_writes_nothing(self, alice):
        before = snapshot()
        document = [
            {"participants": [{"role": "victim"}, {"role": "perpetrator"}],
             "events": [{"hte_Type": "Transit", "participant": 1}],
             "services": [{"spl_Type": "Health"}]},
        ]  # fmt: skip
        result = load(json.dumps(document).encode(), alice, name="x.json", dry_run=True)
        assert result.problems == [] and not result.written and not result.blocked
        assert result.counts() == {"rows": 1, "invalid_rows": 0, "cases": 1, "people": 2,
                                   "events": 1, "services": 1, "consents": 0}  # fmt: skip
        assert snapshot() == before


class TestDuplicates:
    def test_the_same_file_twice_makes_two_sets_of_cases_with_new_references(self, alice):
        content = csv_text(
            {**GOOD, "cas_Reference": "FILE-1"}, {**GOOD, "cas_Reference": "FILE-2"}, extended=True
        )
        first = load(content, alice)
        second = load(content, alice)
        assert first.written and second.written
        assert set(first.references) == set(second.references) == {"FILE-1", "FILE-2"}
        made = [*first.references.values(), *second.references.values()]
        assert len(set(made)) == 4 and not {"FILE-1", "FILE-2"} & set(made)
        assert Case.objects.filter(reference__in=made).count() == 4
        assert Event.objects.filter(action="cases.imported").count() == 2

    def test_fresh_references_avoid_those_in_use_and_each_other(self, alice, monkeypatch):
        taken = services.open_case(actor=alice, country="VN").reference
        offered = iter([taken, taken, "C-NEW0001", "C-NEW0001", "C-NEW0002", "C-NEW0003"])
        monkeypatch.setattr(importer, "new_case_reference", lambda: next(offered))
        assert sorted(new_references(3)) == ["C-NEW0001", "C-NEW0002", "C-NEW0003"]

    def test_many_references_at_once_are_all_different(self):
        references = new_references(300)
        assert len(set(references)) == 300
        assert all(reference.startswith("C-") for reference in references)


def hard_case(alice):
    case = services.open_case(
        actor=alice, country="VN", summary='Tóm tắt: "Hà Nội", Lào Cai;\nhết.',
        incoming_referral_details="=SUM(A1:A9), rồi \"xong\"",
        closure_reason="",
    )  # fmt: skip
    services.add_participant(
        case, actor=alice, role="victim", person=dict(HARD),
        details={"exploitation_types": ["ForcedLabour"], "exploitation_place": "Mae Sot, Tak",
                 "exploitation_country": "TH", "control_methods": ["DebtBondage"]},
    )  # fmt: skip
    return case


def person_of(organisation) -> dict:
    person = Person.objects.get(organisation=organisation)
    return {name: getattr(person, name) for name in PERSON_FIELDS}


class TestRoundTrip:
    def test_hard_text_survives_an_extended_csv_into_another_organisation(self, alice, carol):
        case = hard_case(alice)
        text = "".join(export_csv(cases_for_export(alice.organisation), extended=True))
        assert "'=cmd" in text and "'-Bình Dương" in text  # a spreadsheet would not run them
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == 2 and rows[1][0] == "alice"
        rows[1][0] = "carol"  # usernames do not travel
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        result = load(buffer.getvalue().encode(), carol)
        assert result.problems == [] and result.written
        assert person_of(carol.organisation) == HARD
        copy = Case.objects.get(organisation=carol.organisation)
        assert copy.incoming_referral_details == case.incoming_referral_details
        victim = Participant.objects.get(case=copy)
        assert (victim.exploitation_country, victim.exploitation_place) == ("TH", "Mae Sot, Tak")

    def test_hard_text_survives_json_into_another_organisation(self, alice, carol):
        case = hard_case(alice)
        text = "".join(export_json(cases_for_export(alice.organisation)))
        assert "Nguyễn Thị" in text  # written as UTF-8, not \\u escapes
        document = json.loads(text)
        document["cases"][0]["cas_CaseOwner"] = "carol"
        result = load(json.dumps(document, ensure_ascii=False).encode(), carol, name="x.json")
        assert result.problems == [] and result.written
        assert person_of(carol.organisation) == HARD
        copy = Case.objects.get(organisation=carol.organisation)
        assert copy.summary == case.summary
        assert copy.incoming_referral_details == case.incoming_referral_details

    def test_a_semicolon_csv_from_a_spreadsheet_with_a_byte_order_mark(self, alice):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        header = csv_header()
        writer.writerow(header)
        row = {**GOOD, "prs_FirstName": "Đức; Văn", "prs_MailingStreet": "1, phố Huế"}
        writer.writerow([row.get(name, "") for name in header])
        result = load(("\ufeff" + buffer.getvalue()).encode(), alice)
        assert result.problems == [] and result.written
        person = Person.objects.get(organisation=alice.organisation)
        assert (person.first_name, person.mailing_street) == ("Đức; Văn", "1, phố Huế")
