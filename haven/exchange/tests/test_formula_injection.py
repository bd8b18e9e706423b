"""Formulas typed into a case come out of the HTCDS CSV as text, and come back unchanged (issue 18.1).

Also: a NUL character inside an imported CSV is refused with its row and field, never stored.
"""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from haven.accounts.services import create_api_token
from haven.cases import services
from haven.cases.models import Case, Person
from haven.exchange.export import cases_for_export, export_csv
from haven.exchange.tests.helpers import GOOD, csv_file, load, records

pytestmark = pytest.mark.django_db

CONTACTS = {
    "first_name": "@SUM(9)",
    "email": "=1+1@example.org",  # a valid address that is also a formula
    "mobile_phone": "+84912345678",
    "home_phone": "-2+3+cmd|' /C calc'!A0",
}


def contacts_case(alice, contacts=CONTACTS) -> Case:
    details = '=HYPERLINK("http://x","y")'
    case = services.open_case(actor=alice, country="VN", incoming_referral_details=details)
    services.add_participant(case, actor=alice, role="victim", person=dict(contacts), details={})
    return case


def export_text(organisation) -> str:
    return "".join(export_csv(cases_for_export(organisation), extended=True))


class TestExport:
    def test_contacts_that_a_spreadsheet_would_run_are_guarded(self, alice):
        contacts_case(alice)
        (row,) = records(export_text(alice.organisation))
        assert row["prs_Email"] == "'=1+1@example.org"
        assert row["prs_HomePhone"] == "'-2+3+cmd|' /C calc'!A0"
        assert row["prs_FirstName"] == "'@SUM(9)"
        assert row["cas_IncomingReferralDetails"].startswith("'=HYPERLINK")

    def test_a_phone_number_in_e164_stays_readable(self, alice):
        contacts_case(alice)
        (row,) = records(export_text(alice.organisation))
        assert row["prs_MobilePhone"] == "+84912345678"

    def test_no_cell_of_the_file_begins_with_a_formula_character(self, alice):
        contacts_case(alice)
        for row in csv.reader(io.StringIO(export_text(alice.organisation))):
            for cell in row:
                assert not cell.startswith(("=", "@", "\t", "\r")), cell
                assert not cell.startswith(("+", "-")) or cell.lstrip("+-").isdigit(), cell


class TestRoundTrip:
    def test_the_exported_file_imports_back_unchanged(self, alice, carol):
        contacts = {**CONTACTS, "home_phone": "+842438261234"}  # the importer checks phones
        case = contacts_case(alice, contacts)
        rows = list(csv.reader(io.StringIO(export_text(alice.organisation))))
        rows[1][0] = "carol"  # usernames do not travel
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        result = load(buffer.getvalue(), carol)
        assert result.problems == [] and result.written
        person = Person.objects.get(organisation=carol.organisation)
        assert {name: getattr(person, name) for name in contacts} == contacts
        copy = Case.objects.get(organisation=carol.organisation)
        assert copy.incoming_referral_details == case.incoming_referral_details


def upload(client, user, content: bytes):
    secret = create_api_token(user, actor=user, name="t")[1]
    file = SimpleUploadedFile("cases.csv", content, content_type="text/csv")
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
    return client.post("/api/v1/cases/import", {"file": file}, headers=headers)


class TestNul:
    def test_a_nul_in_a_cell_is_refused_with_its_row_and_field(self, client, alice):
        content = csv_file(GOOD, {**GOOD, "prs_FirstName": "Ho\x00a"}).encode()
        response = upload(client, alice, content)
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"row": 3, "field": "prs_FirstName", "message": "must not contain the NUL character"}
        ]
        assert not Case.objects.filter(organisation=alice.organisation).exists()

    def test_a_nul_in_a_coded_cell_is_refused_too(self, client, alice):
        content = csv_file({**GOOD, "prs_Gender": "Feminine\x00"}).encode()
        response = upload(client, alice, content)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "prs_Gender"
        assert not Case.objects.exists()
