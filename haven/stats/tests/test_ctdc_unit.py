"""CTDC files value by value: formats from headers, the banner column, delimiters, missing
markers, country codes, and bad rows refused and counted by reason."""

import pytest

from haven.stats.ctdc import (
    CTDCError,
    Refused,
    _column_sources,
    _open_rows,
    canonical,
    detect_format,
    import_file,
    parse_category,
    parse_flag,
    parse_row,
)
from haven.stats.models import Format, Record, Source
from haven.stats.variables import KANON, LAYOUTS, SYNTHETIC, VICTIM_PERPETRATOR

BANNER = "By using this data you agree to the Terms of Use: https://example.org/terms-use"


def header_of(layout) -> list[str]:
    return [v.name for v in layout.categories + layout.flags]


class TestFormats:
    def test_each_layouts_own_header_is_recognised(self):
        for name, layout in LAYOUTS.items():
            if name != Format.CASES:
                assert detect_format(header_of(layout)) == name

    def test_the_victim_perpetrator_file_wins_over_a_year_column(self):
        assert detect_format(["yearRegister", "IP_Exploiter", "yearOfRegistration"]) == "vp"

    def test_datasource_marks_the_k_anonymised_file(self):
        assert detect_format(["yearOfRegistration", "Datasource", "isForcedLabour"]) == "kanon"
        assert detect_format(["yearOfRegistration", "isForcedLabour"]) == "synthetic"

    @pytest.mark.parametrize(
        "header", [[], ["name", "age"], ["yearOfRegistration"], ["Datasource"]]
    )
    def test_other_headers_are_refused(self, header):
        with pytest.raises(CTDCError, match="not a CTDC data set"):
            detect_format(header)

    def test_renamed_columns_read_as_their_current_names(self):
        assert canonical("sectorOfSexProstitution") == "typeOfSexProstitution"
        assert canonical("typeOfLabourOther") == "typeOfLabourOther"
        assert canonical("gender") == "gender"

    def test_a_missing_column_is_named_and_an_optional_one_is_not(self):
        header = [name for name in header_of(KANON) if name not in ("gender", "isAbduction")]
        with pytest.raises(CTDCError, match=r"Columns missing: gender, isAbduction\."):
            _column_sources(KANON, header)
        header = [name for name in header_of(KANON) if name != "isSlaveryAndPractices"]
        assert _column_sources(KANON, header)["isSlaveryAndPractices"] == []


class TestValues:
    @pytest.mark.parametrize("raw", ["", "  ", "-99", "NULL", "null", "NA", "n/a", "Unknown"])
    def test_missing_markers_are_no_information(self, raw):
        assert parse_category(KANON["gender"], raw) is None
        assert parse_category(KANON["citizenship"], raw) is None
        assert parse_flag(KANON["isForcedLabour"], raw) is None

    @pytest.mark.parametrize(
        ("raw", "alpha2"),
        [("VNM", "VN"), ("khm", "KH"), ("VN", "VN"), (" la ", "LA"), ("PHL", "PH"),
         ("ZZ", None), ("00", None), ("ZZZ", None)],
    )  # fmt: skip
    def test_countries_become_iso_3166_alpha_2(self, raw, alpha2):
        assert parse_category(KANON["citizenship"], raw) == alpha2

    @pytest.mark.parametrize("raw", ["XX", "XYZ", "Vietnam", "V"])
    def test_an_unknown_country_refuses_the_row(self, raw):
        with pytest.raises(Refused, match=r"^citizenship: unknown country code$"):
            parse_category(KANON["citizenship"], raw)

    def test_years_may_carry_a_decimal_point_but_must_be_plausible(self):
        year = KANON["yearOfRegistration"]
        assert parse_category(year, "2019") == "2019"
        assert parse_category(year, "2019.0") == "2019"
        for raw in ("1899", "2101", "19", "2019.5", "twenty"):
            with pytest.raises(Refused, match="not a year"):
                parse_category(year, raw)

    def test_a_year_band_is_a_year_or_a_range(self):
        band = VICTIM_PERPETRATOR["yearRegister"]
        assert parse_category(band, "2015-2017") == "2015-2017"
        assert parse_category(band, "2019") == "2019"
        with pytest.raises(Refused, match="range of years"):
            parse_category(band, "2015 to 2017")

    def test_accepted_values_in_any_case_come_back_in_ctdcs_spelling(self):
        assert parse_category(KANON["gender"], "FEMALE") == "Female"
        assert parse_category(KANON["Datasource"], "case management") == "Case Management"
        with pytest.raises(Refused, match=r"^gender: unexpected value$"):
            parse_category(KANON["gender"], "F")

    @pytest.mark.parametrize("raw", ["18-20", "18\u201320", "18 - 20", "18--20", "18\u201420"])
    def test_age_bands_with_any_dash_are_ctdcs(self, raw):
        assert parse_category(KANON["ageBroad"], raw) == "18--20"

    def test_combinations_are_sorted_and_deduplicated(self):
        gender = VICTIM_PERPETRATOR["IP_Gender"]
        assert parse_category(gender, "Male;Female;male") == "Female;Male"
        with pytest.raises(Refused):
            parse_category(gender, "Male;Robot")

    @pytest.mark.parametrize(
        ("raw", "answer"),
        [("1", True), ("1.0", True), ("TRUE", True), ("yes", True),
         ("0", False), ("0.0", False), ("False", False), ("no", False)],
    )  # fmt: skip
    def test_flags(self, raw, answer):
        assert parse_flag(KANON["isForcedLabour"], raw) is answer

    def test_an_odd_flag_refuses_the_row(self):
        with pytest.raises(Refused, match=r"^isForcedLabour: expected 1, 0 or empty$"):
            parse_flag(KANON["isForcedLabour"], "2")


class TestRows:
    def test_a_row_sets_known_for_answers_and_flags_for_yeses(self):
        header = header_of(KANON)
        sources = _column_sources(KANON, header)
        values = dict.fromkeys(header, "")
        values.update(gender="Male", citizenship="VNM", isForcedLabour="1", isSexualExploit="0")
        *slots, flags, known = parse_row(KANON, sources, [values[name] for name in header])
        assert slots[int(KANON["gender"].slot[1:])] == "Male"
        assert slots[int(KANON["citizenship"].slot[1:])] == "VN"
        labour, sexual = (1 << KANON["isForcedLabour"].bit), (1 << KANON["isSexualExploit"].bit)
        assert (flags, known) == (labour, labour | sexual)

    def test_merged_means_are_yes_when_any_old_column_is(self):
        header = [name for name in header_of(SYNTHETIC) if name != "meansDebtBondageEarnings"] + [
            "meansOfControlDebtBondage",
            "meansOfControlTakesEarnings",
        ]
        sources = _column_sources(SYNTHETIC, header)
        assert len(sources["meansDebtBondageEarnings"]) == 2
        bit = 1 << SYNTHETIC["meansDebtBondageEarnings"].bit
        for old, answer in ((["", "1"], bit), (["0", "0"], 0)):
            row = dict.fromkeys(header, "")
            row.update(dict(zip(header[-2:], old, strict=True)))
            *_slots, flags, known = parse_row(SYNTHETIC, sources, [row[h] for h in header])
            assert (flags & bit, known & bit) == (answer, bit)


@pytest.mark.django_db
class TestFiles:
    def write(self, tmp_path, lines, name="file.csv", encoding="utf-8"):
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding=encoding)
        return path

    def vp_lines(self, delimiter=",", banner=False):
        header = header_of(VICTIM_PERPETRATOR)
        good = {
            "yearRegister": "2019", "gender": "Female", "majorityStatus": "Adult",
            "UN_COO_Region": "Asia", "UN_COE_Region": "Asia", "isForcedLabour": "1",
        }  # fmt: skip
        rows = [
            good,
            {**good, "gender": "-99", "UN_COO_Region": "NULL"},
            {**good, "gender": "Robot"},
            {**good, "gender": "Robot", "yearRegister": "later"},  # the first reason counts
            {**good, "isForcedLabour": "maybe"},
            {**good, "gender": "robot"},
        ]
        lines = [delimiter.join(([BANNER] if banner else []) + header)]
        for row in rows:
            cells = [row.get(name, "") for name in header]
            lines.append(delimiter.join((["x"] if banner else []) + cells))
        lines.append(delimiter.join(["2019", "Female"]))  # too short
        lines.append(delimiter * (len(header) - 1))  # empty: skipped, not counted
        return lines

    @pytest.mark.parametrize(("delimiter", "banner"), [(",", False), (";", False), (";", True)])
    def test_bad_rows_are_refused_and_counted_by_reason(self, tmp_path, delimiter, banner):
        path = self.write(tmp_path, self.vp_lines(delimiter, banner))
        result = import_file(path, "vp-small")
        assert (result.format, result.delimiter) == ("vp", delimiter)
        assert (result.rows_read, result.rows_loaded, result.rows_refused) == (7, 2, 5)
        assert dict(result.refusals) == {
            "yearRegister: not a year or a range of years": 1,
            "gender: unexpected value": 2,
            "isForcedLabour: expected 1, 0 or empty": 1,
            "wrong number of columns": 1,
        }
        source = Source.objects.get(name="vp-small")
        assert Record.objects.filter(source=source).count() == 2
        assert source.refusals == {
            "gender: unexpected value": 2,
            "yearRegister: not a year or a range of years": 1,
            "isForcedLabour: expected 1, 0 or empty": 1,
            "wrong number of columns": 1,
        }

    def test_the_banner_is_recognised_by_its_words_or_a_blank_name(self, tmp_path):
        for first in (BANNER, "", "TERMS OF USE apply"):
            path = self.write(tmp_path, [f"{first},yearRegister,gender"])
            handle, delimiter, header, banner = _open_rows(path)
            handle.close()
            assert banner and header[1:] == ["yearRegister", "gender"] and delimiter == ","
        path = self.write(tmp_path, ["yearRegister;gender;x,y"])
        handle, delimiter, header, banner = _open_rows(path)
        handle.close()
        assert (delimiter, header, banner) == (";", ["yearRegister", "gender", "x,y"], False)

    def test_a_byte_order_mark_is_not_part_of_the_first_name(self, tmp_path):
        path = self.write(tmp_path, ["yearRegister,gender"], encoding="utf-8-sig")
        handle, _delimiter, header, _banner = _open_rows(path)
        handle.close()
        assert header[0] == "yearRegister"

    def test_a_missing_file_is_an_error_with_a_reason(self, tmp_path):
        with pytest.raises(CTDCError, match="cannot be read"):
            import_file(tmp_path / "absent.csv", "absent")

    def test_a_refused_file_leaves_an_existing_source_alone(self, tmp_path):
        import_file(self.write(tmp_path, self.vp_lines()), "keep")
        with pytest.raises(CTDCError):
            import_file(self.write(tmp_path, ["name,age", "x,1"], "bad.csv"), "keep", replace=True)
        source = Source.objects.get(name="keep")
        assert source.version == 1 and source.rows_loaded == 2

    def test_a_bad_byte_deep_in_the_file_refuses_it_cleanly_and_keeps_the_old_source(
        self, tmp_path
    ):
        import_file(self.write(tmp_path, self.vp_lines()), "deep")
        header, good = self.vp_lines()[:2]
        body = "\n".join([header] + [good] * 800) + "\n"  # well past the first read
        path = tmp_path / "deep.csv"
        path.write_bytes(body.encode() + "2019,F\xe9male\n".encode("latin-1"))
        with pytest.raises(CTDCError, match="UTF-8"):
            import_file(path, "deep", replace=True)
        source = Source.objects.get(name="deep")
        assert source.version == 1 and Record.objects.filter(source=source).count() == 2
