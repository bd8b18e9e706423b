"""HTCDS exchange: the CSV export, and the import's rules and errors (CSV)."""

import csv
import io
import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.audit.models import Event
from haven.cases import referrals, services
from haven.cases.models import Case, Change, Consent, Participant, Person
from haven.cases.tests.helpers import ALL_CONSENT, make_case
from haven.exchange.export import (
    cases_for_export,
    export_csv,
    export_json,
)
from haven.exchange.importer import import_bytes
from haven.exchange.tests.helpers import (
    GOOD,
    TEMPLATE_HEADER,
    closed_case,
    csv_file,
    empty_case,
    export_of,
    load,
    records,
    rich_case,
    rows_of,
    text_of,
)

pytestmark = pytest.mark.django_db


class TestCsvExport:
    def test_the_header_is_the_templates_38_core_columns_and_the_middle_name(self, alice):
        header = rows_of(export_of(alice.organisation))[0]
        assert header[:38] == TEMPLATE_HEADER and header[38:] == ["prs_MiddleName"]

    def test_the_middle_name_is_in_the_core_export(self, alice):
        person = {"first_name": "Lan", "middle_name": "Thị", "second_name": "Nguyễn"}
        case = services.open_case(actor=alice, country="VN")
        services.add_participant(case, actor=alice, role="victim", person=person)
        (row,) = records(export_of(alice.organisation))
        assert (row["prs_FirstName"], row["prs_MiddleName"], row["prs_SecondName"]) == (
            "Lan",
            "Thị",
            "Nguyễn",
        )

    def test_an_accepted_referral_is_not_hidden_by_a_later_pending_one(self, alice, carol, dave):
        case = rich_case(alice, carol)  # referred to Shelter HN, accepted by carol
        referrals.refer(
            case,
            actor=alice,
            to_organisation=dave.organisation,
            reason="Other",
            sections=["summary"],
        )
        row = records(export_of(alice.organisation))[0]
        assert row["cas_ReferredOrganisation"] == "Shelter HN"
        assert row["cas_ReferredPrimaryCaseWorker"] == "carol"
        document = json.loads(text_of(export_json(cases_for_export(alice.organisation))))
        (exported,) = document["cases"]
        assert exported["cas_ReferredOrganisation"] == "Shelter HN"
        assert [item["state"] for item in exported["referrals"]] == ["pending", "accepted"]

    def test_a_pending_referral_is_shown_before_a_declined_one(self, alice, carol, dave):
        case = make_case(alice, consent=ALL_CONSENT)
        first = referrals.refer(
            case,
            actor=alice,
            to_organisation=carol.organisation,
            reason="Other",
            sections=["summary"],
        )
        referrals.decline(first, actor=carol, note="No bed free.")
        referrals.refer(
            case,
            actor=alice,
            to_organisation=dave.organisation,
            reason="Other",
            sections=["summary"],
        )
        row = records(export_of(alice.organisation))[0]
        assert row["cas_ReferredOrganisation"] == dave.organisation.name

    def test_extended_adds_havens_columns_after_the_38(self, alice):
        header = rows_of(export_of(alice.organisation, extended=True))[0]
        assert header[:38] == TEMPLATE_HEADER and header[38] == "prs_MiddleName"
        assert header[39:44] == [
            "cas_Reference",
            "cas_OpenedDate",
            "cas_ClosedDate",
            "cas_Country",
            "cas_Risk",
        ]
        assert {"vic_AgeWhenTrafficked", "vic_RegistrationDate", "prs_MiddleName"} <= set(header)

    def test_one_row_per_victim_in_htcds_notation(self, alice, carol):
        case = rich_case(alice, carol)
        lan, duc = records(export_of(alice.organisation, extended=True))
        assert lan["cas_CaseOwner"] == "alice" and lan["cas_Reference"] == case.reference
        assert (lan["prs_FirstName"], lan["prs_SecondName"]) == ("Lan", "Nguyễn Thị")
        assert lan["prs_Birthdate"] == "2004-03-09" and lan["prs_Citizenship"] == "VN;KH"
        assert lan["vic_MethodsOfControl"] == "WithholdsDocuments;DebtBondage"
        assert lan["vic_ForcedLabourIndustry"] == (
            "E_WaterSupplySewerageWasteManagement;F_Construction"
        )
        assert lan["vic_LocationOfRecruitment"] == "VN: Nghệ An"
        assert lan["vic_LocationOfExploitation"] == "KH: Sihanoukville"
        assert lan["vic_TraffickingStatusDecisionMakingOrg"] == "Police"
        assert lan["con_Consent"] == "TRUE" and duc["con_Consent"] == "FALSE"
        assert lan["prs_IdentityNumber"] == "038204001234"
        assert duc["vic_LocationOfExploitation"] == "MM" and duc["prs_Birthdate"] == ""
        for row in (lan, duc):
            assert row["cas_Status"] == "Active" and row["cas_OpenedDate"] == "2024-03-01"
            assert row["cas_ReferringOrganisation"] == "Công an tỉnh Nghệ An"
            assert row["cas_IncomingReferralDate"] == "2024-02-28"
            assert row["cas_ReasonForIncomingReferral"] == "AdditionalServicesRequired"

    def test_referral_columns_come_from_the_latest_referral(self, alice, carol):
        rich_case(alice, carol)
        row = records(export_of(alice.organisation))[0]
        assert row["cas_ReferredOrganisation"] == "Shelter HN"
        assert row["cas_ReferredPrimaryCaseWorker"] == "carol"
        assert row["cas_ReasonForOutgoingReferral"] == "MigrationOrChangeOfLocation"
        assert row["cas_OutgoingReferralDetails"] == "Cần chỗ ở an toàn."
        assert date.fromisoformat(row["cas_OutgoingReferralDate"])

    def test_a_case_without_victims_gives_one_row_of_case_columns(self, alice):
        empty_case(alice)
        (row,) = records(export_of(alice.organisation))
        assert row["cas_CaseOwner"] == "" and row["prs_FirstName"] == ""
        assert row["con_Consent"] == ""
        assert row["cas_ReferredOrganisation"] == "IOM Thailand"
        assert row["cas_ReasonForOutgoingReferral"] == "Other"
        assert row["cas_OutgoingReferralDate"] == "2024-05-02"

    def test_consent_is_empty_when_not_all_seven_were_asked(self, alice):
        make_case(alice, consent={"interview": True, "purpose": True})
        assert records(export_of(alice.organisation))[0]["con_Consent"] == ""

    def test_a_cell_a_spreadsheet_would_run_is_quoted(self, alice):
        closed_case(alice)
        row = records(export_of(alice.organisation))[0]
        assert row["cas_ReasonForCaseClosure"].startswith("'=HYPERLINK")
        assert row["cas_Status"] == "Closed" and row["prs_MobilePhone"] == "+84901234567"

    def test_only_the_organisations_own_cases(self, alice, carol, mallory):
        rich_case(alice, carol)  # referred to carol's shelter: still not the shelter's case
        make_case(mallory)
        assert len(records(export_of(alice.organisation))) == 2
        assert len(records(export_of(carol.organisation))) == 0
        assert [row["cas_CaseOwner"] for row in records(export_of(mallory.organisation))] == [
            "mallory"
        ]
        assert len(records(export_of(None))) == 3

    def test_queries_do_not_grow_with_the_number_of_cases(self, alice, carol):
        rich_case(alice, carol)
        with CaptureQueriesContext(connection) as one:
            export_of(alice.organisation, extended=True)
        for _ in range(4):
            make_case(alice, consent=ALL_CONSENT)
        with CaptureQueriesContext(connection) as five:
            text = export_of(alice.organisation, extended=True)
        assert len(rows_of(text)) == 1 + 2 + 4
        assert len(five.captured_queries) == len(one.captured_queries) <= 5

    def test_small_chunks_give_the_same_file(self, alice, carol):
        rich_case(alice, carol)
        closed_case(alice)
        empty_case(alice)
        cases = cases_for_export(alice.organisation)
        assert text_of(export_csv(cases, chunk_size=1)) == text_of(export_csv(cases))
        assert (
            json.loads(text_of(export_json(cases, chunk_size=1)))["cases"]
            == json.loads(text_of(export_json(cases)))["cases"]
        )


class TestImportRules:
    def test_labels_system_names_case_and_stray_spaces(self, alice):
        row = {
            **GOOD,
            "prs_Gender": "  transgender feminine ",
            "prs_Citizenship": " vn ; kh ",
            "vic_TypeOfExploitation": "Forced labour; SEXUALEXPLOITATION",
            "vic_ForcedLabourIndustry": (
                "Water supply; sewerage, waste management and remediation;Construction"
            ),
            "vic_TraffickingStatusDecisionMakingOrg": "Court or prosecution",
            "cas_Status": "follow up",
            "prs_Birthdate": "09/03/2004",
            "prs_MobilePhone": "+84 90-123 4567",
            "con_Consent": "yes",
            "vic_LocationOfExploitation": "kh:Phnom Penh",
            "cas_ReasonForOutgoingReferral": "Migration or Change of Location",
        }
        result = load(csv_file(row), alice)
        assert result.problems == [] and result.written and result.cases == 1
        participant = Participant.objects.select_related("person", "case").get(
            case__organisation=alice.organisation
        )
        person = participant.person
        assert person.gender == "TransgenderFeminine" and person.citizenship == ["VN", "KH"]
        assert person.birthdate == "2004-03-09" and person.mobile_phone == "+84901234567"
        assert participant.exploitation_types == ["ForcedLabour", "SexualExploitation"]
        assert participant.industries == ["E_WaterSupplySewerageWasteManagement", "F_Construction"]
        assert participant.status_decided_by == "CourtOrProsecution"
        assert (participant.exploitation_country, participant.exploitation_place) == (
            "KH",
            "Phnom Penh",
        )
        case = participant.case
        assert case.status == "FollowUp" and case.source == "import"
        assert case.case_worker == alice and case.country == "VN"
        assert case.external_referral_reason == "MigrationOrChangeOfLocation"
        assert case.exploitation_types == ["ForcedLabour", "SexualExploitation"]
        assert participant.registered == case.opened

    def test_each_kind_of_error_names_row_and_field(self, alice, mallory):
        rows = [
            {**GOOD, "prs_Gender": "Female"},
            {**GOOD, "prs_Citizenship": "VN;XX", "prs_MailingCountry": "Vietnam"},
            {**GOOD, "prs_Birthdate": "2004-13-40", "cas_IncomingReferralDate": "March 3"},
            {**GOOD, "prs_MobilePhone": "0901 234 567 ext 2", "prs_Email": "lan@"},
            {**GOOD, "con_Consent": "maybe", "cas_CaseOwner": "mallory"},
            {**GOOD, "vic_MethodsOfControl": "DebtBondage;Hypnosis"},
            {**GOOD, "vic_LocationOfRecruitment": "XX: Atlantis"},
            {**GOOD, "cas_ReferringOrganisation": "x" * 201},
        ]
        result = load(csv_file(*rows), alice)
        assert not result.written and result.blocked and result.invalid_rows == 8
        assert [str(problem) for problem in result.problems] == [
            "row 2, field prs_Gender: “Female” is not an allowed value; use one of Feminine, "
            "Masculine, TransgenderFeminine, TransgenderMasculine, NonConforming, "
            "NonSpecifiedUnknown",
            "row 3, field prs_Citizenship: “XX” is not an ISO 3166 country code (two letters, "
            "like VN)",
            "row 3, field prs_MailingCountry: “Vietnam” is not an ISO 3166 country code (two "
            "letters, like VN)",
            "row 4, field prs_Birthdate: is not a date: write YYYY-MM-DD or DD/MM/YYYY",
            "row 4, field cas_IncomingReferralDate: is not a date: write YYYY-MM-DD or DD/MM/YYYY",
            "row 5, field prs_Email: is not a valid e-mail address",
            "row 5, field prs_MobilePhone: is not a phone number: write it as 0912 345 678 or, "
            "with the country code, as +84 912 345 678",
            "row 6, field cas_CaseOwner: “mallory” is not a user of Hotline VN",
            "row 6, field con_Consent: is not a yes/no value: write TRUE or FALSE",
            "row 7, field vic_MethodsOfControl: “Hypnosis” is not an allowed value; use one of "
            "PhysicalThreats, ThreatsLawEnforcement, ThreatensChildrenFamily, DebtBondage, "
            "FalsePromises … (18 values; labels are accepted too)",
            "row 8, field vic_LocationOfRecruitment: “XX” is not an ISO 3166 country code (two "
            "letters, like VN)",
            "row 9, field cas_ReferringOrganisation: is longer than 200 characters",
        ]
        assert not Case.objects.filter(organisation=alice.organisation).exists()

    def test_extension_columns_are_checked_too(self, alice):
        row = {
            **GOOD,
            "cas_OpenedDate": "2024-05-01",
            "cas_ClosedDate": "2024-04-01",
            "vic_AgeWhenTrafficked": "two hundred",
            "prs_NumberOfChildren": "99",
            "prs_PrimaryLanguage": "Tiế",
            "cas_Risk": "extreme",
            "prs_MailingLatitude": "91",
        }
        result = load(csv_file(row, extended=True), alice)
        assert [(p.row, p.field) for p in result.problems] == [
            (2, "cas_Risk"),
            (2, "prs_NumberOfChildren"),
            (2, "prs_PrimaryLanguage"),
            (2, "prs_MailingLatitude"),
            (2, "vic_AgeWhenTrafficked"),
            (2, "cas_ClosedDate"),
        ]
        assert str(result.problems[-1]) == ("row 2, field cas_ClosedDate: is before cas_OpenedDate")

    def test_unknown_and_missing_columns_are_errors_of_the_file(self, alice):
        header = [name for name in TEMPLATE_HEADER if name != "cas_Status"] + ["prs_FristName"]
        result = load(csv_file(GOOD, header=header), alice)
        assert result.blocked and not result.written
        assert [str(problem) for problem in result.problems] == [
            "row 1, field prs_FristName: unknown column; did you mean prs_FirstName?",
            "row 1, field cas_Status: the column is missing: the 38 CORE columns are required",
        ]

    def test_a_column_twice_and_a_row_too_long(self, alice):
        result = load(csv_file(GOOD, header=[*TEMPLATE_HEADER, "prs_FirstName"]), alice)
        assert [str(p) for p in result.problems] == [
            "row 1, field prs_FirstName: the column appears twice"
        ]
        text = csv_file(GOOD) + "alice" + "," * 37 + ",x,y\r\n"
        result = load(text, alice)
        assert [str(p) for p in result.problems] == [
            "row 3: the row has 40 cells but the header names 39 columns"
        ]

    def test_the_templates_own_spellings_and_label_row_are_understood(self, alice):
        # Saved from the Excel template: column A numbers the rows under no name, row 1 has
        # the misspelt name and a blank for the outgoing reason, row 2 repeats the labels.
        header = ["", *TEMPLATE_HEADER]
        header[header.index("vic_TraffickingStatusDecisionMakingOrg")] = (
            "vic_TraffickinStatusDecisionMakingOrg"
        )
        header[header.index("cas_ReasonForOutgoingReferral")] = ""
        labels = ["", "Case Owner", "Salutation", "First Name", "Second Name", "Consent"]
        row = {**GOOD, "vic_TraffickingStatusDecisionMakingOrg": "NGO"}
        row["cas_ReasonForOutgoingReferral"] = "Other"
        values = ["1", *[row.get(name, "") for name in TEMPLATE_HEADER]]
        buffer = io.StringIO()
        csv.writer(buffer).writerows([header, labels, values, ["2"] + [""] * 38])
        result = load(buffer.getvalue(), alice)
        assert result.problems == [] and result.cases == 1 and result.rows == 1
        case = Case.objects.get(organisation=alice.organisation)
        assert case.external_referral_reason == "Other"
        assert case.participants.get().status_decided_by == "NGO"

    def test_all_or_nothing_by_default(self, alice):
        result = load(csv_file(GOOD, {**GOOD, "prs_Gender": "?"}, GOOD), alice)
        assert result.blocked and not result.written
        assert (result.cases, result.invalid_rows) == (2, 1)
        assert not Case.objects.filter(organisation=alice.organisation).exists()
        assert not Event.objects.filter(action="cases.imported").exists()

    def test_skip_invalid_imports_the_valid_cases_and_lists_the_rest(self, alice):
        rows = [
            {**GOOD, "cas_Reference": "A"},
            {**GOOD, "cas_Reference": "B", "prs_FirstName": "Mai"},
            {**GOOD, "cas_Reference": "B", "prs_Gender": "?"},  # spoils case B entirely
            {**GOOD, "cas_Reference": "C"},
        ]
        result = load(csv_file(*rows, extended=True), alice, skip_invalid=True)
        assert result.written and not result.blocked
        assert (result.cases, result.people, result.invalid_rows) == (2, 2, 2)
        assert [p.row for p in result.problems] == [4]
        assert sorted(result.references) == ["A", "C"]
        assert Case.objects.filter(organisation=alice.organisation).count() == 2

    def test_skip_invalid_with_nothing_valid_imports_nothing(self, alice):
        result = load(csv_file({**GOOD, "prs_Gender": "?"}), alice, skip_invalid=True)
        assert result.blocked and not result.written

    def test_dry_run_counts_and_writes_nothing(self, alice):
        result = load(csv_file(GOOD, GOOD), alice, dry_run=True)
        assert (result.cases, result.people, result.consents) == (2, 2, 14)
        assert not result.written and not result.blocked
        assert not Case.objects.filter(organisation=alice.organisation).exists()
        assert not Event.objects.filter(action="cases.imported").exists()

    def test_a_failure_in_the_middle_leaves_nothing(self, alice, monkeypatch):
        def fail(*args, **kwargs):
            raise RuntimeError("disk full")

        # Cases, people and participants are written before the history: it fails last.
        monkeypatch.setattr(Change.objects, "bulk_create", fail)
        with pytest.raises(RuntimeError):
            load(csv_file(GOOD, GOOD, GOOD), alice)
        assert not Case.objects.filter(organisation=alice.organisation).exists()
        assert not Person.objects.filter(organisation=alice.organisation).exists()
        assert not Event.objects.filter(action="cases.imported").exists()

    def test_rows_of_one_case_must_agree_on_the_case(self, alice):
        rows = [
            {**GOOD, "cas_Reference": "K-1"},
            {**GOOD, "cas_Reference": "K-1", "prs_FirstName": "Mai"},
            {**GOOD, "cas_Reference": "K-1", "cas_Status": "Closed"},
        ]
        result = load(csv_file(*rows[:2], extended=True), alice)
        assert (result.cases, result.people) == (1, 2)
        result = load(csv_file(*rows, extended=True), alice)
        assert [str(p) for p in result.problems] == [
            "row 4, field cas_Status: differs from row 2, the first row of this case"
        ]

    def test_history_consent_and_one_audit_event_without_personal_data(self, alice):
        result = load(
            csv_file(GOOD, {**GOOD, "con_Consent": "FALSE", "prs_FirstName": "Mai"}), alice
        )
        assert result.written
        given = Consent.objects.filter(given=True, case__organisation=alice.organisation)
        hoa = given.first().person
        assert hoa.first_name == "Hoa"
        assert given.count() == 7 and {c.information_version for c in given} == {"import"}
        refused = Consent.objects.filter(given=False, case__organisation=alice.organisation)
        assert refused.count() == 7
        case = hoa.participations.get().case
        fields = set(Change.objects.filter(case=case).values_list("field", flat=True))
        assert {"first_name", "status", "case_worker", "exploitation_types"} <= fields
        (event,) = Event.objects.filter(action="cases.imported")
        assert event.actor_username == "alice"
        assert event.summary["cases"] == 2 and event.summary["consents"] == 14
        assert "Hoa" not in json.dumps(event.summary, ensure_ascii=False)

    def test_files_that_are_not_csv_or_json(self, alice):
        options = {"organisation": alice.organisation, "actor": alice}
        result = import_bytes("prs_FirstName\nĐức".encode("utf-16"), **options)
        assert [str(p) for p in result.problems] == [
            "field file: is not UTF-8 text: save it as “CSV UTF-8”"
        ]
        result = import_bytes(b'{"cases": [', filename="x.json", **options)
        assert result.blocked and "is not valid JSON" in str(result.problems[0])
        result = import_bytes(b"", filename="x.csv", **options)
        assert [str(p) for p in result.problems] == [
            "row 1: the file is empty: row 1 must name the columns"
        ]

    def test_semicolon_separated_files_with_a_byte_order_mark(self, alice):
        text = csv_file(GOOD).replace(",", ";")
        result = import_bytes(
            ("\ufeff" + text).encode(), organisation=alice.organisation, actor=alice
        )
        assert result.problems == [] and result.cases == 1
