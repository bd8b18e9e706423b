"""The HTCDS writer: cells and JSON values by kind, rows built from named rows (pure), and the
values that must come back unchanged through a file (pure, then through the database)."""

from collections import namedtuple
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from haven.exchange.columns import CORE_COLUMNS, EXTENDED_COLUMNS, NAME_COLUMNS, Kind
from haven.exchange.export import (
    CONSENT_ITEMS,
    CsvPlan,
    JsonPlan,
    consent_flag,
    csv_columns,
    csv_header,
    csv_rows,
    outgoing,
)
from haven.exchange.reader import csv_rows as read_csv_text
from haven.exchange.values import (
    Reader,
    format_cell,
    format_json,
    format_location,
)
from haven.lib.spreadsheets import SafeWriter, safe_cell

COLUMNS = {column.name: column for column in (*CORE_COLUMNS, *NAME_COLUMNS, *EXTENDED_COLUMNS)}
READER = Reader("Hotline VN", members={}, organisations={})
HARD_TEXT = [
    "Nguyễn Thị Ánh Tuyết",
    "Đặng Văn Đức",
    "Hà Nội, Việt Nam",
    'She said "wait"',
    "line one\nline two\r\nline three",
    '=HYPERLINK("http://x")',
    "+84 is not a number here",
    "-minus, @at",
    "'already quoted",
    "ឈ្មោះ ខ្មែរ",  # Khmer
    "ພາສາລາວ",  # Lao
    "  ",
]


def cell(name, value):
    return format_cell(COLUMNS[name], value)


class TestCells:
    def test_each_kind_is_written_as_htcds_notation(self):
        assert cell("prs_Citizenship", ["VN", "KH"]) == "VN;KH"
        assert cell("vic_MethodsOfControl", ["DebtBondage", "FalsePromises"]) == (
            "DebtBondage;FalsePromises"
        )
        assert cell("con_Consent", True) == "TRUE" and cell("prs_Deceased", False) == "FALSE"
        assert cell("prs_Birthdate", date(2004, 3, 9)) == "2004-03-09"
        assert cell("vic_LocationOfExploitation", ("KH", "Phnom Penh")) == "KH: Phnom Penh"
        assert cell("prs_NumberOfChildren", 2) == "2"
        assert cell("prs_Gender", "Feminine") == "Feminine"

    def test_none_is_an_empty_cell_and_empty_lists_too(self):
        assert all(format_cell(column, None) == "" for column in COLUMNS.values())
        assert cell("prs_Citizenship", []) == ""
        assert cell("vic_LocationOfRecruitment", ("", "")) == ""

    @pytest.mark.parametrize("text", ["=1+1", "+1+1", "-1-1", "@SUM(A1)", "\tx", "\rx"])
    def test_a_cell_a_spreadsheet_would_run_gets_a_quote_from_the_writer(self, text):
        assert cell("prs_FirstName", text) == text  # the value; the file's writer guards it
        assert safe_cell(cell("prs_FirstName", text)) == "'" + text
        assert READER.parse(COLUMNS["prs_FirstName"], "'" + text) == text.strip()

    def test_a_place_that_looks_like_a_formula_is_quoted_too(self):
        assert safe_cell(cell("vic_LocationOfRecruitment", ("", "=cmd"))) == "'=cmd"

    @pytest.mark.parametrize("name", ["prs_Email", "prs_MobilePhone", "prs_HomePhone"])
    def test_contacts_are_guarded_like_any_text(self, name):
        assert safe_cell(cell(name, '=HYPERLINK("http://x","y")')).startswith("'=")
        assert safe_cell(cell(name, "@SUM(9)")) == "'@SUM(9)"

    def test_a_phone_in_e164_and_a_negative_number_stay_as_they_are(self):
        assert safe_cell(cell("prs_MobilePhone", "+84912345678")) == "+84912345678"
        assert safe_cell(cell("prs_MailingLatitude", "-12.5")) == "-12.5"

    def test_a_location_is_its_country_its_place_or_both(self):
        assert format_location("VN", "") == "VN" and format_location("", "Huế") == "Huế"
        assert format_location(None, "") == "" and format_location("LA", "Pakse") == "LA: Pakse"


class TestJsonValues:
    def test_json_keeps_lists_booleans_and_numbers_and_writes_dates_as_iso_text(self):
        assert format_json(COLUMNS["prs_Citizenship"], ["VN"]) == ["VN"]
        assert format_json(COLUMNS["con_Consent"], False) is False
        assert format_json(COLUMNS["prs_NumberOfChildren"], 0) == 0
        assert format_json(COLUMNS["prs_Birthdate"], date(2004, 3, 9)) == "2004-03-09"
        moment = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
        assert format_json(COLUMNS["cas_OpenedDate"], moment) == "2024-05-01T09:30:00+00:00"

    def test_json_text_is_never_quoted_and_an_empty_date_is_null(self):
        assert format_json(COLUMNS["prs_FirstName"], "=1+1") == "=1+1"
        assert format_json(COLUMNS["prs_Birthdate"], "") is None
        assert format_json(COLUMNS["prs_FirstName"], None) is None


SAMPLES = {
    Kind.TEXT: ("prs_FirstName", HARD_TEXT[:-1]),
    Kind.DATE: ("prs_Birthdate", [date(2004, 2, 29), date(1950, 12, 31)]),
    Kind.BOOL: ("prs_Deceased", [True, False]),
    Kind.INT: ("prs_NumberOfChildren", [0, 40]),
    Kind.CHOICE: ("prs_Gender", ["NonSpecifiedUnknown", "TransgenderMasculine"]),
    Kind.MULTI: ("vic_ForcedLabourIndustry", [["E_WaterSupplySewerageWasteManagement",
                                                "A_AgricultureForestryAndFishing"]]),
    Kind.COUNTRY: ("prs_MailingCountry", ["VN"]),
    Kind.COUNTRIES: ("prs_Citizenship", [["KH", "VN", "LA"]]),
    Kind.PHONE: ("prs_MobilePhone", ["+84901234567"]),
    Kind.EMAIL: ("prs_Email", ["lan@ví-dụ.vn", "lan+tag@example.org"]),
    Kind.LANGUAGE: ("prs_PrimaryLanguage", ["vie", "khm", "mnw"]),
    Kind.LATITUDE: ("prs_MailingLatitude", ["-12.5", "90"]),
    Kind.LONGITUDE: ("prs_MailingLongitude", ["105.8342"]),
    Kind.LOCATION: ("vic_LocationOfExploitation",
                    [("KH", "Phnom Penh, Sen Sok"), ("", "Nghệ An"), ("TH", ""),
                     ("", "=evil()")]),
}  # fmt: skip


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_kind_of_value_comes_back_from_its_cell_and_its_json(kind):
    name, values = SAMPLES[kind]
    column = COLUMNS[name]
    for value in values:
        assert READER.parse(column, format_cell(column, value)) == value, value
        assert READER.parse(column, safe_cell(format_cell(column, value))) == value, value
        assert READER.parse(column, format_json(column, value), spreadsheet=False) == value


def test_every_kind_a_column_can_have_has_a_sample():
    kinds = {column.kind for column in COLUMNS.values()} - {Kind.MEMBER}
    assert kinds <= set(SAMPLES)


class TestHeader:
    def test_the_core_header_is_the_38_template_names_in_order_and_the_middle_name(self):
        header = csv_header()
        assert len(header) == 39 and header[:38] == [column.name for column in CORE_COLUMNS]
        assert header[38] == "prs_MiddleName"
        assert header[:5] == [
            "cas_CaseOwner", "prs_Salutation", "prs_FirstName", "prs_SecondName", "con_Consent",
        ]  # fmt: skip
        assert header[37] == "cas_ReasonForCaseClosure"

    def test_extended_adds_havens_columns_after_the_38_with_the_reference_first(self):
        header = csv_header(extended=True)
        assert header[:39] == csv_header() and header[39] == "cas_Reference"
        assert len(header) == len(set(header)) == 39 + len(EXTENDED_COLUMNS)
        assert csv_columns(True)[39:] == EXTENDED_COLUMNS


NOW = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
Answer = namedtuple("Answer", "person_id item given recorded_at withdrawn_at")
ReferralRow = namedtuple(
    "ReferralRow",
    "to_organisation__name receiving_case_worker__username reason sent_at details state",
    defaults=["accepted"],
)


def answers_of(person, given=True, items=CONSENT_ITEMS, at=NOW):
    return [Answer(person, item, given, at, None) for item in items]


class TestConsentFlag:
    def test_all_seven_given_is_true(self):
        answers = {("p", item): True for item in CONSENT_ITEMS}
        assert consent_flag(answers, "p") is True

    def test_one_refusal_is_false_even_when_others_are_unasked(self):
        assert consent_flag({("p", "research"): False}, "p") is False

    def test_some_unasked_is_unknown_and_another_persons_answers_do_not_count(self):
        answers = {("p", item): True for item in CONSENT_ITEMS[:-1]}
        assert consent_flag(answers, "p") is None
        assert consent_flag({("q", item): True for item in CONSENT_ITEMS}, "p") is None


class TestOutgoing:
    def test_the_latest_referral_made_in_haven_wins_over_the_cases_own_fields(self):
        referral = ReferralRow("Shelter HN", None, "Other", NOW, "Needs a bed")
        case = SimpleNamespace(external_referred_organisation="IOM")
        fields = outgoing(case, [referral])
        assert fields["external_referred_organisation"] == "Shelter HN"
        assert fields["external_referred_case_worker"] == ""
        assert fields["external_referral_date"] == date(2024, 5, 1)

    @pytest.mark.parametrize(
        "states, chosen",
        [
            (["pending", "accepted"], "accepted"),
            (["pending", "completed"], "completed"),
            (["declined", "pending"], "pending"),
            (["revoked", "declined"], "revoked"),
            (["accepted", "completed"], "accepted"),
        ],
    )
    def test_the_most_relevant_referral_wins_newest_first_within_a_kind(self, states, chosen):
        rows = [
            ReferralRow(f"Org {state}", None, "Other", NOW, "", state) for state in states
        ]  # newest first, as the export reads them
        case = SimpleNamespace()
        assert outgoing(case, rows)["external_referred_organisation"] == f"Org {chosen}"

    def test_without_referrals_the_cases_fields_are_used(self):
        case = SimpleNamespace(
            external_referred_organisation="IOM", external_referred_case_worker="Som",
            external_referral_reason="Other", external_referral_date=date(2024, 1, 2),
            external_referral_details="",
        )  # fmt: skip
        assert outgoing(case, [])["external_referred_organisation"] == "IOM"


class TestRows:
    plan = CsvPlan(csv_columns(extended=True))
    CaseRow = namedtuple("CaseRow", ["id", *plan.case_fields])
    VictimRow = namedtuple("VictimRow", plan.victim_fields)

    def case_row(self, **values):
        fields = dict.fromkeys(self.CaseRow._fields)
        fields.update(id=1, reference="C-ABC123", status="Active", case_worker__username="alice",
                      exploitation_country="", opened=date(2024, 5, 1))  # fmt: skip
        fields.update(values)
        return self.CaseRow(**{k: v for k, v in fields.items() if k in self.CaseRow._fields})

    def victim_row(self, person_id, **values):
        fields = dict.fromkeys(self.VictimRow._fields)
        fields.update(person_id=person_id, person__citizenship=[], recruitment_methods=[],
                      control_methods=[], exploitation_types=[], industries=[],
                      sex_exploitation_types=[], recruitment_apps=[], exploitation_apps=[],
                      vulnerabilities=[], recruitment_country="", recruitment_place="",
                      exploitation_country="", exploitation_place="")  # fmt: skip
        fields.update(values)
        return self.VictimRow(**fields)

    def rows(self, victims=(), consents=(), referrals=(), **case):
        found = list(csv_rows(self.case_row(**case), self.plan, list(victims), consents, referrals))
        header = [column.name for column in self.plan.columns]
        return [dict(zip(header, row, strict=True)) for row in found]

    def test_one_row_per_victim_with_the_case_repeated(self):
        rows = self.rows(
            [self.victim_row("p1", person__first_name="Ánh"),
             self.victim_row("p2", person__first_name="Mai", person__citizenship=["VN", "LA"])],
        )  # fmt: skip
        assert [row["prs_FirstName"] for row in rows] == ["Ánh", "Mai"]
        assert {row["cas_Reference"] for row in rows} == {"C-ABC123"}
        assert {row["cas_CaseOwner"] for row in rows} == {"alice"}
        assert rows[1]["prs_Citizenship"] == "VN;LA"

    def test_a_case_without_victims_is_one_row_with_empty_person_cells(self):
        (row,) = self.rows()
        assert row["cas_Status"] == "Active" and row["cas_OpenedDate"] == "2024-05-01"
        assert row["prs_FirstName"] == row["prs_Citizenship"] == row["con_Consent"] == ""

    def test_every_cell_is_text_and_none_is_empty(self):
        (row,) = self.rows([self.victim_row("p1")])
        assert all(isinstance(value, str) for value in row.values())
        assert row["prs_Birthdate"] == row["vic_AgeWhenTrafficked"] == ""
        assert row["vic_LocationOfExploitation"] == ""

    def test_the_consent_cell_follows_each_persons_own_answers(self):
        consents = answers_of("p1") + answers_of("p2", items=CONSENT_ITEMS[:3])
        consents += [Answer("p3", "research", False, NOW, None)]
        rows = self.rows([self.victim_row(p) for p in ("p1", "p2", "p3")], consents=consents)
        assert [row["con_Consent"] for row in rows] == ["TRUE", "", "FALSE"]

    def test_a_withdrawn_refusal_no_longer_makes_the_consent_false(self):
        consents = [*answers_of("p1"), Answer("p1", "research", False, NOW, NOW)]
        (row,) = self.rows([self.victim_row("p1")], consents=consents)
        assert row["con_Consent"] == ""  # the research answer is withdrawn: not all seven

    def test_a_referral_fills_the_outgoing_columns(self):
        referral = ReferralRow("Shelter HN", "carol", "Other", NOW, "Bed, food; clothes")
        (row,) = self.rows(referrals=[referral], external_referred_organisation="old")
        assert row["cas_ReferredOrganisation"] == "Shelter HN"
        assert row["cas_ReferredPrimaryCaseWorker"] == "carol"
        assert row["cas_OutgoingReferralDate"] == "2024-05-01"
        assert row["cas_OutgoingReferralDetails"] == "Bed, food; clothes"


class TestJsonPlan:
    def test_the_json_reads_every_column_and_no_personal_field_twice(self):
        plan = JsonPlan()
        names = [column.name for column, _read, _write in plan.case + plan.person]
        names += [column.name for column, _read, _write in plan.participant]
        assert len(names) == len(set(names))
        assert set(csv_header(extended=True)) - {"con_Consent"} <= set(names)
        assert "cas_Summary" in names and "per_RoleInProcess" in names


def test_hard_text_survives_the_csv_module_and_the_reader():
    import io

    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(["prs_FirstName", "cas_IncomingReferralDetails"])
    column = COLUMNS["prs_FirstName"]
    for text in HARD_TEXT:
        writer.writerow([format_cell(column, text), "x"])
    rows = read_csv_text(buffer.getvalue())
    assert len(rows) == len(HARD_TEXT) + 1
    back = [READER.parse(column, row[0]) for row in rows[1:]]
    assert back == [text.strip() for text in HARD_TEXT]
