"""`haven import_ctdc`: each CTDC format recognised, its quirks read, bad rows counted."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from haven.stats.ctdc import CTDCError, canonical, detect_format, import_file
from haven.stats.figures import Query, count
from haven.stats.models import Record, Source
from haven.stats.tests.conftest import FIXTURES, VP_FILE
from haven.stats.variables import LAYOUTS

pytestmark = pytest.mark.django_db


def counts(source, *names):
    layout = LAYOUTS[source.format]
    denominator, cells = count(Query(source, [layout[name] for name in names]))
    return denominator, {key if len(key) > 1 else key[0]: n for key, n in cells.items()}


class TestKAnonymised2020:
    @pytest.fixture
    def result(self):
        return import_file(FIXTURES / "kanon_2020_comma.csv", "kanon-2020")

    def test_it_detects_the_format_and_the_delimiter(self, result):
        assert (result.format, result.delimiter) == ("kanon", ",")

    def test_it_counts_refused_rows_with_reasons(self, result):
        assert (result.rows_read, result.rows_loaded, result.rows_refused) == (12, 7, 5)
        assert result.refusals == {
            "yearOfRegistration: not a year": 1,
            "gender: unexpected value": 1,
            "citizenship: unknown country code": 1,
            "wrong number of columns": 1,
            "isForcedLabour: expected 1, 0 or empty": 1,
        }
        source = Source.objects.get(name="kanon-2020")
        assert source.rows_refused == 5 and source.refusals["gender: unexpected value"] == 1

    def test_minus_99_and_unknown_are_missing(self, result):
        assert counts(result.source, "gender") == (
            5,
            {"Female": 3, "Male": 1, "Transgender/NonConforming": 1},
        )

    def test_the_channel_is_read_in_any_case(self, result):
        assert counts(result.source, "Datasource")[1] == {"Case Management": 5, "Hotline": 2}

    def test_age_bands_are_normalised(self, result):
        cells = counts(result.source, "ageBroad")[1]
        assert cells["18--20"] == 2 and cells["21--23"] == 1

    def test_unknown_citizenship_codes_are_missing(self, result):
        assert counts(result.source, "citizenship") == (4, {"VN": 2, "KH": 1, "LA": 1})

    def test_a_zero_is_information_and_minus_99_is_not(self, result):
        # Six rows answered the exploitation questions; one of them said no to all.
        denominator, cells = counts(result.source, "isForcedLabour")
        assert (denominator, cells) == (6, {"1": 3, "0": 3})
        denominator, cells = counts(result.source, "typeOfExploitConcatenated")
        assert denominator == 6
        assert cells == {"isForcedLabour": 3, "isSexualExploit": 2, "isOtherExploit": 1}

    def test_the_same_name_twice_needs_replace(self, result):
        with pytest.raises(CTDCError, match="--replace"):
            import_file(FIXTURES / "kanon_2020_comma.csv", "kanon-2020")
        again = import_file(FIXTURES / "kanon_2020_comma.csv", "kanon-2020", replace=True)
        assert again.source.version == 2
        assert Record.objects.filter(source__name="kanon-2020").count() == 7


def test_the_2021_release_uses_semicolons_null_and_a_byte_order_mark():
    result = import_file(FIXTURES / "kanon_2021_semicolon.csv", "kanon-2021")
    assert (result.format, result.delimiter, result.rows_loaded, result.rows_refused) == (
        "kanon",
        ";",
        3,
        0,
    )
    assert counts(result.source, "gender") == (2, {"Female": 1, "Male": 1})
    assert counts(result.source, "CountryOfExploitation") == (2, {"MY": 2})
    assert counts(result.source, "typeOfLabourConcatenated")[1] == {"typeOfLabourConstruction": 1}


def test_synthetic_2025_renames_and_iso3_codes():
    result = import_file(FIXTURES / "synthetic_2025.csv", "synthetic")
    assert (result.format, result.rows_loaded, result.rows_refused) == ("synthetic", 5, 1)
    assert counts(result.source, "citizenship") == (4, {"VN": 2, "KH": 1, "PH": 1})
    assert counts(result.source, "typeOfLabourConcatenated")[1] == {"typeOfLabourConstruction": 1}
    # Flags are 1 or empty: the denominator counts only rows with some yes in the group.
    assert counts(result.source, "meansOfControlConcatenated") == (
        2,
        {"meansThreats": 1, "meansWithholdDocs": 1, "meansDebtBondageEarnings": 1},
    )


def test_older_synthetic_files_have_their_means_merged():
    result = import_file(FIXTURES / "synthetic_2021_old_names.csv", "synthetic-2021")
    assert result.format == "synthetic" and result.rows_loaded == 3
    assert counts(result.source, "meansOfControlConcatenated") == (
        2,
        {"meansDebtBondageEarnings": 1, "meansDenyBasicNeeds": 1},
    )


def test_victim_perpetrator_combinations_are_kept_in_order():
    result = import_file(FIXTURES / "victim_perpetrator.csv", "vp")
    assert (result.format, result.rows_loaded, result.rows_refused) == ("vp", 3, 1)
    assert counts(result.source, "IP_Gender")[1] == {"Female;Male": 2, "Male": 1}
    assert counts(result.source, "IP_ageBroad")[1] == {"30--38": 1, "30--38;39--47": 1}


def test_column_names_are_mapped_to_one_spelling():
    assert canonical("sectorOfLabourHospitality") == "typeOfLabourHospitality"
    assert canonical("meansWithholdDocuments") == "meansWithholdDocs"


def test_an_unknown_file_is_refused_whole(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,age\nx,3\n")
    with pytest.raises(CTDCError, match="not a CTDC data set"):
        import_file(path, "other")
    assert not Source.objects.filter(name="other").exists()
    with pytest.raises(CTDCError):
        detect_format(["yearOfRegistration"])


def test_missing_columns_are_named(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("yearRegister,IP_Exploiter\n2019,1\n")
    with pytest.raises(CTDCError, match="gender"):
        import_file(path, "short")


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("yearRegister,gender\n2019,F\xe9male\n".encode("latin-1"))
    with pytest.raises(CTDCError, match="UTF-8"):
        import_file(path, "latin")


def test_cases_is_a_reserved_name():
    with pytest.raises(CTDCError, match="cases"):
        import_file(FIXTURES / "victim_perpetrator.csv", "cases")


def test_the_command_reports_what_it_did():
    out = StringIO()
    call_command("import_ctdc", str(FIXTURES / "kanon_2020_comma.csv"), name="k", stdout=out)
    text = out.getvalue()
    assert "kanon format, comma-separated. Rows read 12, loaded 7, refused 5." in text
    assert "refused 1: gender: unexpected value" in text
    with pytest.raises(CommandError, match="--replace"):
        call_command("import_ctdc", str(FIXTURES / "kanon_2020_comma.csv"), name="k")


@pytest.mark.realdata
def test_the_real_victim_perpetrator_file_is_detected():
    with VP_FILE.open(encoding="utf-8") as handle:
        header = handle.readline().strip().split(",")
    assert detect_format(header) == "vp"
