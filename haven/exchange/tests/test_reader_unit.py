"""The HTCDS reader value by value, the header, and CSV and JSON files read into records, with
each problem named by row and field. Pure: no database, a reader given its members by hand."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from haven.cases.htcds import Gender, Relationship
from haven.exchange.columns import (
    CONSENT_COLUMNS,
    CORE_COLUMNS,
    EVENT_COLUMNS,
    EXTENDED_COLUMNS,
    PERPETRATOR_COLUMNS,
    SERVICE_COLUMNS,
    Problem,
)
from haven.exchange.export import JSON_FORMAT
from haven.exchange.importer import detect_format
from haven.exchange.reader import csv_rows, parse_csv, parse_json, read_header
from haven.exchange.values import MAX_TEXT, Invalid, Reader, allowed_values, empty
from haven.lib.spreadsheets import safe_cell

COLUMNS = {
    column.name: column
    for column in (
        *CORE_COLUMNS, *EXTENDED_COLUMNS, *PERPETRATOR_COLUMNS, *EVENT_COLUMNS,
        *SERVICE_COLUMNS, *CONSENT_COLUMNS,
    )
}  # fmt: skip
HEADER = [column.name for column in CORE_COLUMNS]
EXTENDED = HEADER + [column.name for column in EXTENDED_COLUMNS]
ALICE = SimpleNamespace(username="alice")
SHELTER = SimpleNamespace(name="Shelter HN")
ORGANISATION = SimpleNamespace(country="VN", __str__=lambda self: "Hotline VN")
READER = Reader("Hotline VN", members={"alice": ALICE}, organisations={"shelter hn": SHELTER})


def parse(name, raw, **options):
    return READER.parse(COLUMNS[name], raw, **options)


def refusal(name, raw, **options) -> str:
    with pytest.raises(Invalid) as caught:
        parse(name, raw, **options)
    return str(caught.value)


class TestEmptyValues:
    @pytest.mark.parametrize("raw", [None, "", "   ", []])
    def test_an_empty_cell_is_the_fields_empty_value(self, raw):
        assert parse("prs_FirstName", raw) == ""
        assert parse("vic_MethodsOfControl", raw) == []
        assert parse("prs_Citizenship", raw) == []
        assert parse("prs_Birthdate", raw) is None
        assert parse("con_Consent", raw) is None
        assert parse("vic_LocationOfExploitation", raw) == ("", "")
        assert parse("cas_CaseOwner", raw) is None

    def test_an_empty_list_is_new_each_time(self):
        first = empty(COLUMNS["vic_MethodsOfControl"])
        first.append("DebtBondage")
        assert empty(COLUMNS["vic_MethodsOfControl"]) == []


class TestText:
    def test_text_is_trimmed(self):
        assert parse("prs_FirstName", "  Nguyễn Thị Ánh  ") == "Nguyễn Thị Ánh"

    def test_a_quote_we_put_before_a_formula_is_taken_off_in_a_spreadsheet_only(self):
        assert parse("prs_FirstName", "'=HYPERLINK(1)") == "=HYPERLINK(1)"
        assert parse("prs_FirstName", "'=HYPERLINK(1)", spreadsheet=False) == "'=HYPERLINK(1)"
        assert parse("prs_FirstName", "'Ngọc") == "'Ngọc"  # not ours: a real apostrophe
        assert parse("prs_FirstName", "'-3") == "'-3"  # a number is never guarded: not ours

    @pytest.mark.parametrize("name", ["prs_MobilePhone", "prs_Email", "prs_FirstName"])
    def test_the_guard_comes_off_every_kind_of_cell(self, name):
        value = {"prs_MobilePhone": "+84912345678", "prs_Email": "=1+1@example.org"}.get(
            name, "@Hoa"
        )
        assert parse(name, safe_cell(value)) == value

    @pytest.mark.parametrize("spreadsheet", [True, False])
    def test_a_nul_character_is_refused(self, spreadsheet):
        message = "must not contain the NUL character"
        assert refusal("prs_FirstName", "Hoa\x00", spreadsheet=spreadsheet) == message
        assert refusal("prs_Gender", "Feminine\x00", spreadsheet=spreadsheet) == message
        assert refusal("prs_Citizenship", ["VN\x00"], spreadsheet=False) == message

    def test_each_text_column_has_its_limit(self):
        assert parse("prs_Salutation", "x" * 100) == "x" * 100
        assert refusal("prs_Salutation", "x" * 101) == "is longer than 100 characters"
        assert refusal("cas_IncomingReferralDetails", "x" * (MAX_TEXT + 1)) == (
            f"is longer than {MAX_TEXT} characters"
        )

    def test_json_numbers_are_text_but_objects_are_not(self):
        assert parse("prs_IdentityNumber", 38204001234, spreadsheet=False) == "38204001234"
        assert refusal("prs_FirstName", {"a": 1}, spreadsheet=False) == "must be text"
        assert refusal("prs_FirstName", True, spreadsheet=False) == "must be text"


class TestChoices:
    @pytest.mark.parametrize(
        "raw", ["TransgenderFeminine", "transgenderfeminine", "Transgender Feminine",
                "  TRANSGENDER   feminine "],
    )  # fmt: skip
    def test_a_system_name_or_its_english_label_in_any_case_and_spacing(self, raw):
        assert parse("prs_Gender", raw) == "TransgenderFeminine"

    def test_an_unknown_value_lists_the_allowed_ones(self):
        assert refusal("prs_Gender", "Female") == (
            "“Female” is not an allowed value; use one of Feminine, Masculine, "
            "TransgenderFeminine, TransgenderMasculine, NonConforming, NonSpecifiedUnknown"
        )

    def test_a_long_list_of_values_is_cut_with_its_count(self):
        assert allowed_values(Relationship) == "Familial, Acquainted, Unaquainted"
        text = refusal("vic_MethodsOfControl", "Hypnosis")
        assert "… (18 values; labels are accepted too)" in text and text.startswith("“Hypnosis”")

    def test_the_value_quoted_in_a_message_is_cut_at_60_characters(self):
        assert "“" + "y" * 60 + "”" in refusal("prs_Gender", "y" * 300)

    def test_a_json_choice_must_be_text(self):
        assert refusal("prs_Gender", 3, spreadsheet=False) == "must be text"

    def test_the_labels_are_english_whatever_the_readers_language(self):
        from django.utils import translation

        with translation.override("vi"):
            assert parse("prs_Gender", "Non-Conforming") == Gender.NON_CONFORMING


class TestLists:
    def test_codes_and_labels_separated_by_semicolons_keep_their_order_once(self):
        raw = "Debt bondage; PhysicalThreats;debtbondage;; False promises"
        assert parse("vic_MethodsOfControl", raw) == [
            "DebtBondage",
            "PhysicalThreats",
            "FalsePromises",
        ]

    def test_a_label_holding_a_semicolon_is_one_value(self):
        raw = "Wholesale and retail trade; repair of motor vehicles and motorcycles;F_Construction"
        assert parse("vic_ForcedLabourIndustry", raw) == [
            "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
            "F_Construction",
        ]

    def test_a_json_list_is_read_item_by_item(self):
        assert parse("vic_MethodsOfControl", ["DebtBondage", " False promises "]) == [
            "DebtBondage",
            "FalsePromises",
        ]

    def test_the_first_unknown_item_is_named(self):
        assert refusal("vic_MethodsOfControl", "DebtBondage;Hypnosis;Magic").startswith(
            "“Hypnosis”"
        )

    def test_a_number_is_not_a_list(self):
        assert refusal("vic_MethodsOfControl", 4, spreadsheet=False) == "must be text or a list"


class TestCountries:
    def test_codes_in_any_case_without_repeats(self):
        assert parse("prs_Citizenship", " vn ; KH;vn") == ["VN", "KH"]
        assert parse("prs_Citizenship", ["la"]) == ["LA"]
        assert parse("prs_MailingCountry", "th") == "TH"

    @pytest.mark.parametrize("raw", ["VNM", "XX", "Vietnam", "V"])
    def test_only_two_letter_iso_codes(self, raw):
        assert refusal("prs_MailingCountry", raw) == (
            f"“{raw}” is not an ISO 3166 country code (two letters, like VN)"
        )

    def test_one_bad_code_in_a_list_is_named(self):
        assert refusal("prs_Citizenship", "VN;XK1").startswith("“XK1”")


class TestDates:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [("2004-03-09", date(2004, 3, 9)), ("09/03/2004", date(2004, 3, 9)),
         (" 2024-02-29 ", date(2024, 2, 29)), ("31/12/1999", date(1999, 12, 31))],
    )  # fmt: skip
    def test_iso_and_day_month_year(self, raw, expected):
        assert parse("prs_Birthdate", raw) == expected

    @pytest.mark.parametrize("raw", ["2023-02-29", "03/13/2004", "March 3", "2004.03.09", "9 3 04"])
    def test_other_dates_are_refused_with_the_formats_to_use(self, raw):
        assert refusal("prs_Birthdate", raw) == "is not a date: write YYYY-MM-DD or DD/MM/YYYY"

    def test_a_moment_with_an_offset_keeps_it_and_one_without_gets_the_sites(self):
        moment = parse("con_RecordedAt", "2024-05-01T09:30:00+07:00", spreadsheet=False)
        assert moment == datetime(2024, 5, 1, 2, 30, tzinfo=UTC)
        naive = parse("con_RecordedAt", "2024-05-01 09:30")
        assert timezone.is_aware(naive) and naive.hour == 9

    def test_a_moment_must_be_iso_8601(self):
        assert refusal("con_RecordedAt", "yesterday").startswith("is not a date and time in ISO")


class TestYesNoAndNumbers:
    @pytest.mark.parametrize(
        ("raw", "value"),
        [("TRUE", True), ("yes", True), ("1", True), (True, True),
         ("false", False), ("No", False), ("0", False), (False, False)],
    )  # fmt: skip
    def test_yes_and_no(self, raw, value):
        assert parse("con_Consent", raw) is value

    def test_anything_else_is_not_yes_or_no(self):
        assert refusal("con_Consent", "maybe") == "is not a yes/no value: write TRUE or FALSE"

    def test_whole_numbers_within_the_columns_limit(self):
        assert parse("prs_NumberOfChildren", " 3 ") == 3
        assert parse("prs_NumberOfChildren", 40, spreadsheet=False) == 40
        assert refusal("prs_NumberOfChildren", "41") == "must be between 0 and 40"
        assert refusal("vic_AgeWhenTrafficked", "-1") == "must be between 0 and 120"
        assert refusal("vic_AgeWhenTrafficked", "3.5") == "is not a whole number"

    def test_a_json_true_or_a_fraction_is_not_a_number_of_children(self):
        assert refusal("prs_NumberOfChildren", True, spreadsheet=False) == "is not a whole number"
        assert refusal("prs_NumberOfChildren", 2.5, spreadsheet=False) == "is not a whole number"
        infinity = float("inf")  # json.loads reads Infinity
        assert refusal("vic_AgeWhenTrafficked", infinity, spreadsheet=False) == (
            "is not a whole number"
        )
        assert parse("prs_NumberOfChildren", 2.0, spreadsheet=False) == 2


class TestContacts:
    @pytest.mark.parametrize(
        ("raw", "phone"),
        [("+84 90-123 4567", "+84901234567"), ("(84) 90.123.4567", "+84901234567"),
         ("+66812345678", "+66812345678"), ("0901 234 567", "+84901234567")],
    )  # fmt: skip
    def test_phones_are_read_as_the_forms_read_them_and_kept_in_e164(self, raw, phone):
        assert parse("prs_MobilePhone", raw) == phone

    @pytest.mark.parametrize(
        "raw", ["+1234567890123456", "+84 90 ext 2", "+", '=HYPERLINK("http://x.example")']
    )
    def test_what_is_not_a_phone_is_refused(self, raw):
        assert refusal("prs_HomePhone", raw) == (
            "is not a phone number: write it as 0912 345 678 or, with the country code, as "
            "+84 912 345 678"
        )

    def test_e_mail_addresses(self):
        assert parse("prs_Email", " lan@example.org ") == "lan@example.org"
        for raw in ("lan@", "lan example.org", "@example.org"):
            assert refusal("prs_Email", raw) == "is not a valid e-mail address"

    def test_languages_are_iso_639_codes_in_lower_case(self):
        assert parse("prs_PrimaryLanguage", "VI") == "vie"  # as the form stores it
        assert parse("prs_PrimaryLanguage", "Tiếng Việt") == "vie"
        assert parse("prs_SecondaryLanguage", "khm") == "khm"
        assert parse("prs_SecondaryLanguage", "MNW") == "mnw"  # well formed, not in the list
        assert parse("prs_PrimaryLanguage", "Vietnamese") == "vie"
        assert refusal("prs_PrimaryLanguage", "Tiế").startswith("“Tiế” is not an")


class TestPlaces:
    def test_coordinates_within_their_bounds_as_text_or_json_numbers(self):
        assert parse("prs_MailingLatitude", " 21.0285 ") == "21.0285"
        assert parse("hte_Longitude", -180, spreadsheet=False) == "-180"
        assert parse("hte_Latitude", 10.5, spreadsheet=False) == "10.5"
        assert refusal("hte_Latitude", "90.01") == "is not a number between -90 and 90"
        assert refusal("hte_Longitude", "east") == "is not a number between -180 and 180"
        assert refusal("hte_Latitude", "nan") == "is not a number between -90 and 90"

    @pytest.mark.parametrize(
        ("raw", "value"),
        [("VN", ("VN", "")), ("kh:Phnom Penh", ("KH", "Phnom Penh")),
         ("TH :  Bangkok, Khlong Toei", ("TH", "Bangkok, Khlong Toei")),
         ("Phnom Penh", ("", "Phnom Penh")), ("Nghệ An", ("", "Nghệ An"))],
    )  # fmt: skip
    def test_a_location_is_a_country_a_place_or_both(self, raw, value):
        assert parse("vic_LocationOfExploitation", raw) == value

    def test_a_location_starting_with_two_letters_must_start_with_a_country(self):
        assert refusal("vic_LocationOfRecruitment", "XX: Atlantis").startswith("“XX”")
        assert refusal("vic_LocationOfRecruitment", "VN: " + "x" * 201) == (
            "is longer than 200 characters"
        )


class TestPeopleAndOrganisations:
    def test_the_case_owner_is_a_member_of_the_importing_organisation(self):
        assert parse("cas_CaseOwner", " alice ") is ALICE
        assert refusal("cas_CaseOwner", "mallory") == "“mallory” is not a user of Hotline VN"

    def test_a_provider_is_any_organisation_by_its_name_in_any_case(self):
        assert parse("spl_Provider", "SHELTER hn") is SHELTER
        assert refusal("spl_Provider", "Nowhere") == (
            "“Nowhere” is not the name of an organisation in Haven"
        )


class TestProblems:
    def test_a_problem_names_its_row_and_field_as_it_can(self):
        assert str(Problem(4, "prs_Gender", "bad")) == "row 4, field prs_Gender: bad"
        assert str(Problem(4, "", "bad")) == "row 4: bad"
        assert str(Problem(None, "file", "bad")) == "field file: bad"
        assert Problem(2, "f", "m").as_dict() == {"row": 2, "field": "f", "message": "m"}


class TestHeader:
    def test_the_38_core_columns_in_any_case_with_a_byte_order_mark(self):
        header = ["\ufeff" + HEADER[0].upper(), *[name.lower() for name in HEADER[1:]]]
        columns, problems = read_header(header)
        assert problems == [] and [c.name for c in columns] == HEADER

    def test_columns_may_come_in_any_order_and_extended_ones_are_known(self):
        columns, problems = read_header(list(reversed(EXTENDED)))
        assert problems == [] and len(columns) == len(EXTENDED)

    def test_every_missing_core_column_is_named(self):
        _columns, problems = read_header(HEADER[2:])
        assert [(p.row, p.field) for p in problems] == [(1, HEADER[0]), (1, HEADER[1])]

    def test_an_unknown_column_gets_a_suggestion_and_a_stranger_none(self):
        _columns, problems = read_header([*HEADER, "prs_Birthday", "favourite_colour"])
        assert [str(p) for p in problems] == [
            "row 1, field prs_Birthday: unknown column; did you mean prs_Birthdate?",
            "row 1, field favourite_colour: unknown column",
        ]

    def test_a_blank_name_is_ignored_except_after_the_referred_case_worker(self):
        header = ["", *HEADER]
        header[header.index("cas_ReasonForOutgoingReferral")] = " "
        columns, problems = read_header(header)
        assert problems == [] and columns[0] is None
        assert columns[HEADER.index("cas_ReasonForOutgoingReferral") + 1].name == (
            "cas_ReasonForOutgoingReferral"
        )


def csv_of(*rows: dict, header=HEADER) -> list[list[str]]:
    return [list(header), *[[row.get(name, "") for name in header] for row in rows]]


GOOD = {"prs_FirstName": "Hoa", "prs_Gender": "Feminine", "cas_Status": "Active"}


class TestCsvRecords:
    def read(self, rows):
        return parse_csv(rows, ORGANISATION, READER)

    def test_every_problem_of_every_row_is_named_by_row_and_field(self):
        rows = csv_of(
            GOOD,
            {**GOOD, "prs_Gender": "F", "prs_Email": "x@"},
            GOOD,
            {**GOOD, "prs_Birthdate": "30/02/2004"},
        )
        parsed = self.read(rows)
        assert [(p.row, p.field) for p in parsed.problems] == [
            (3, "prs_Gender"), (3, "prs_Email"), (5, "prs_Birthdate"),
        ]  # fmt: skip
        assert [record.invalid for record in parsed.cases] == [False, True, False, True]
        assert parsed.rows == 4 and not parsed.fatal

    def test_rows_keep_their_spreadsheet_numbers_across_blank_rows(self):
        rows = csv_of(GOOD)
        rows += [[""] * len(HEADER), [""] * len(HEADER)]
        rows += csv_of({**GOOD, "prs_Gender": "?"})[1:]
        parsed = self.read(rows)
        assert parsed.rows == 2 and [p.row for p in parsed.problems] == [5]

    def test_a_bad_header_stops_before_any_row(self):
        parsed = self.read([HEADER[1:], ["x"] * 37])
        assert parsed.fatal and parsed.cases == [] and parsed.rows == 0
        parsed = self.read([])
        assert parsed.fatal and str(parsed.problems[0]).startswith("row 1: the file is empty")

    def test_rows_sharing_a_reference_are_one_case_with_a_victim_each(self):
        rows = csv_of(
            {**GOOD, "cas_Reference": "R1"},
            {**GOOD, "cas_Reference": "R1", "prs_FirstName": "Mai"},
            {**GOOD, "cas_Reference": "R2"},
            header=EXTENDED,
        )
        parsed = self.read(rows)
        assert [(r.reference, r.rows) for r in parsed.cases] == [("R1", [2, 3]), ("R2", [4])]
        assert [p.person["first_name"] for p in parsed.cases[0].participants] == ["Hoa", "Mai"]

    def test_identical_rows_without_a_reference_are_separate_cases(self):
        parsed = self.read(csv_of(GOOD, GOOD))
        assert len(parsed.cases) == 2 and parsed.problems == []

    def test_a_second_row_that_disagrees_on_the_case_spoils_the_case(self):
        rows = csv_of(
            {**GOOD, "cas_Reference": "R1"},
            {**GOOD, "cas_Reference": "R1", "cas_Status": "Closed"},
            header=EXTENDED,
        )
        parsed = self.read(rows)
        assert [str(p) for p in parsed.problems] == [
            "row 3, field cas_Status: differs from row 2, the first row of this case"
        ]
        assert parsed.cases[0].invalid

    def test_a_row_of_case_columns_only_is_a_case_without_people(self):
        parsed = self.read(csv_of({"cas_Status": "Closed", "cas_ReasonForCaseClosure": "Moved"}))
        (record,) = parsed.cases
        assert record.participants == [] and record.values["status"] == "Closed"

    def test_consent_true_gives_seven_answers_false_seven_refusals_empty_none(self):
        parsed = self.read(
            csv_of({**GOOD, "con_Consent": "TRUE"}, {**GOOD, "con_Consent": "no"}, GOOD)
        )
        given = [[c["given"] for c in r.participants[0].consents] for r in parsed.cases]
        assert given == [[True] * 7, [False] * 7, []]

    def test_a_case_made_by_hand_gets_the_defaults(self):
        parsed = self.read(csv_of({"prs_FirstName": "Hoa"}))
        values = parsed.cases[0].values
        assert values["status"] == "Active" and values["country"] == "VN"
        assert values["opened"] == timezone.localdate() and values["case_worker"] is None
        assert parsed.cases[0].participants[0].details["registered"] == values["opened"]

    def test_an_end_before_its_start_is_named(self):
        rows = csv_of(
            {**GOOD, "vic_ExploitationStartDate": "2024-05-01",
             "vic_ExploitationEndDate": "2024-04-30"},
            header=EXTENDED,
        )  # fmt: skip
        assert [str(p) for p in self.read(rows).problems] == [
            "row 2, field vic_ExploitationEndDate: is before vic_ExploitationStartDate"
        ]

    def test_birth_dates_are_kept_as_iso_text(self):
        parsed = self.read(csv_of({**GOOD, "prs_Birthdate": "09/03/2004"}))
        assert parsed.cases[0].participants[0].person["birthdate"] == "2004-03-09"


class TestCsvText:
    def test_the_delimiter_is_read_from_the_header(self):
        assert csv_rows("a;b,c;d\n1;2,3;4\n") == [["a", "b,c", "d"], ["1", "2,3", "4"]]
        assert csv_rows("a\tb\n1\t2\n") == [["a", "b"], ["1", "2"]]
        assert csv_rows("a,b\n1,2\n") == [["a", "b"], ["1", "2"]]

    def test_quoted_cells_keep_their_commas_newlines_and_quotes(self):
        text = 'a,b\n"Hà Nội, Việt Nam","line one\nline ""two"""\n'
        assert csv_rows(text)[1] == ["Hà Nội, Việt Nam", 'line one\nline "two"']

    @pytest.mark.parametrize(
        ("content", "name", "kind"),
        [(b"{}", "", "json"), (b"\xef\xbb\xbf \n [", "", "json"), (b"a,b", "", "csv"),
         (b"{}", "x.CSV", "csv"), (b"a,b", "x.json", "json"), (b"a\tb", "x.tsv", "csv")],
    )  # fmt: skip
    def test_a_file_is_json_or_csv_by_its_name_then_its_first_character(self, content, name, kind):
        assert detect_format(content, name) == kind


def case(**values) -> dict:
    return {"cas_Status": "Active", "participants": [], **values}


class TestJsonRecords:
    def read(self, data):
        return parse_json(data, ORGANISATION, READER)

    def test_the_document_must_be_havens(self):
        parsed = self.read({"format": "other", "cases": [], "extra": 1})
        assert parsed.fatal
        assert [str(p) for p in parsed.problems] == [
            f"field format: must be {JSON_FORMAT}",
            "field extra: unknown field",
        ]
        assert [str(p) for p in self.read({"cases": {}}).problems] == [
            "field cases: must be a list of cases"
        ]

    def test_a_bare_list_of_cases_is_accepted(self):
        parsed = self.read([case(), case(cas_Status="Closed")])
        assert parsed.rows == 2 and parsed.problems == []
        assert [r.values["status"] for r in parsed.cases] == ["Active", "Closed"]

    def test_problems_name_the_case_by_position_and_the_path_inside_it(self):
        participant = {
            "role": "victim",
            "person": {"prs_Gender": "Female", "prs_Nickname": "x"},
            "consents": [{"con_Item": "research"}],
        }
        data = [
            case(),
            case(participants=[participant], events=[{"hte_Date": "2024-01-01",
                                                      "participant": 2}]),
            "not a case",
        ]  # fmt: skip
        parsed = self.read(data)
        assert [(p.row, p.field) for p in parsed.problems] == [
            (2, "participants.1.person.prs_Nickname"),
            (2, "participants.1.person.prs_Gender"),
            (2, "participants.1.consents.1.con_Given"),
            (2, "events.1.hte_Type"),
            (2, "events.1.participant"),
            (3, ""),
        ]
        assert [r.invalid for r in parsed.cases] == [False, True, True]

    def test_required_children_fields_and_participant_numbers(self):
        data = [
            case(
                participants=[{"role": "victim"}],
                services=[{"spl_Type": "Health", "participant": 1},
                          {"spl_Type": "Health", "participant": True}],
            )
        ]  # fmt: skip
        parsed = self.read(data)
        assert [str(p) for p in parsed.problems] == [
            "row 1, field services.2.participant: must be the number of a participant of the "
            "case, from 1"
        ]
        assert [s["participant"] for s in parsed.cases[0].services] == [1, None]

    def test_children_must_be_lists_of_objects(self):
        parsed = self.read([case(participants={"role": "victim"}, events=["x"])])
        assert [(p.field, p.message) for p in parsed.problems] == [
            ("participants", "must be a list"),
            ("events.1", "must be an object"),
        ]

    def test_a_quote_before_a_formula_is_kept_in_json(self):
        parsed = self.read([case(cas_Summary="'=1+1")])
        assert parsed.cases[0].values["summary"] == "'=1+1"
