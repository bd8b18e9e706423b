"""What leaves the statistics: SVG charts, CSV figures, the k-anonymous CTDC file, and the
words for values."""

import csv
import io
import itertools
import re
from collections import Counter

import pytest
from django.utils import translation

from haven.stats.charts import ROOM, WIDTH, bar_chart, heat, time_series
from haven.stats.export import CTDC_COLUMNS, FLAG_COLUMNS, anonymise, write_ctdc, write_figure
from haven.stats.figures import Figure
from haven.stats.labels import VALUES, value_label
from haven.stats.tests.builders import add_victims, refuse_research
from haven.stats.variables import CASES, KANON, VICTIM_PERPETRATOR


def cell(count, hidden=None):
    return {"count": count, "hidden": hidden, "suppressed": count is None}


def widths(svg: str) -> list[int]:
    return [int(width) for width in re.findall(r'<rect [^>]*width="(\d+)"', svg)]


class TestBarChart:
    def test_bars_are_proportional_to_the_counts(self):
        svg = bar_chart([("a", cell(100)), ("b", cell(50)), ("c", cell(25))])
        assert widths(svg) == [ROOM, ROOM // 2, ROOM // 4]

    def test_a_tiny_count_still_gets_a_visible_bar(self):
        assert widths(bar_chart([("a", cell(100_000)), ("b", cell(1))]))[1] == 1

    def test_labels_and_values_are_escaped(self):
        svg = bar_chart([('<script>alert("x")</script> & co', cell(12))])
        assert "<script>" not in svg
        assert "&lt;script&gt;alert(&quot;x&quot;)" in svg

    def test_long_labels_wrap_on_their_own_lines_and_are_never_cut(self):
        label = "Người lớn hay người chưa thành niên khi bắt đầu bị bóc lột ở nước ngoài"
        svg = bar_chart([(label, cell(12)), ("b", cell(6))])
        lines = re.findall(r'class="label">([^<]*)<', svg)
        assert " ".join(lines[:-1]) == label and len(lines) == 3
        assert all(len(line) <= 44 for line in lines)

    def test_counts_are_written_the_locale_s_way(self):
        with translation.override("vi"):
            assert 'class="value">12.345<' in bar_chart([("a", cell(12345))])
        with translation.override("en"):
            assert 'class="value">12,345<' in bar_chart([("a", cell(12345))])

    def test_hidden_cells_get_a_mark_and_no_bar(self):
        svg = bar_chart([("a", cell(40)), ("b", cell(None, "small")), ("c", cell(None, "x"))])
        assert len(widths(svg)) == 1
        assert 'class="hidden">&lt;10</text>' in svg and 'class="hidden">x</text>' in svg

    def test_no_data_draws_an_empty_chart(self):
        svg = bar_chart([])
        assert svg.startswith('<svg class="chart bars" viewBox="0 0 360 2"') and "<rect" not in svg
        assert svg.endswith("</svg>")

    def test_the_height_grows_with_the_rows_and_the_chart_is_hidden_from_screen_readers(self):
        svg = bar_chart([(str(i), cell(10 + i)) for i in range(5)])
        assert f'viewBox="0 0 {WIDTH} {2 + 5 * (16 + 2 + 14 + 10)}"' in svg
        assert 'aria-hidden="true"' in svg and "http" not in svg.replace(
            'xmlns="http://www.w3.org/2000/svg"', ""
        )

    def test_only_hidden_cells_draw_no_bar_at_all(self):
        assert widths(bar_chart([("a", cell(None, "small"))])) == []


class TestTimeSeries:
    def heights(self, svg):
        return [int(h) for h in re.findall(r'<rect [^>]*height="(\d+)"', svg)]

    def test_columns_are_proportional_and_labels_escaped(self):
        svg = time_series(
            [("2019", cell(150)), ("<2020>", cell(75)), ("2021", cell(None, "small"))]
        )
        assert self.heights(svg) == [150, 75]
        assert "&lt;2020&gt;" in svg and "&lt;10" in svg

    def test_period_labels_never_overlap_on_a_phone(self):
        rows = [(f"2025-{month:02d}", cell(10 + month)) for month in range(1, 13)] * 2
        svg = time_series(rows)
        places = [float(x) for x in re.findall(r'<text x="([\d.]+)"[^>]*class="label"', svg)]
        assert 2 <= len(places) < len(rows)
        assert all(b - a >= 7 * 7 for a, b in itertools.pairwise(places))

    def test_no_data_draws_only_the_axis(self):
        svg = time_series([])
        assert "<rect" not in svg and 'class="axis"' in svg


def test_heat_classes_rise_with_the_share_of_the_largest():
    assert [heat(cell(n), 100) for n in (0, 1, 30, 60, 99, 100)] == [
        "heat1", "heat1", "heat2", "heat3", "heat4", "heat4",
    ]  # fmt: skip
    assert heat(None, 100) == heat(cell(None, "small"), 100) == heat(cell(5), 0) == "heat0"


class TestFigureCsv:
    def figure(self, denominator=57):
        cells = [
            {"gender": "Female", "citizenship": "VN", "count": 40, "suppressed": False},
            {"gender": "Male", "citizenship": "VN", "count": None, "suppressed": True},
            {"gender": "Male", "citizenship": "KH", "count": 12, "suppressed": False},
        ]
        by = [KANON["gender"], KANON["citizenship"]]
        return Figure("k", by, denominator, cells, published=True)

    def rows(self, figure, **options):
        out = io.StringIO()
        write_figure(out, figure, **options)
        return list(csv.reader(io.StringIO(out.getvalue())))

    def test_the_columns_are_the_variables_then_count_and_suppressed(self):
        assert self.rows(self.figure()) == [
            ["gender", "citizenship", "count", "suppressed"],
            ["Female", "VN", "40", "false"],
            ["Male", "VN", "", "true"],
            ["Male", "KH", "12", "false"],
            ["(denominator)", "", "57", "false"],
        ]

    def test_a_hidden_denominator_is_empty_and_marked(self):
        assert self.rows(self.figure(None))[-1] == ["(denominator)", "", "", "true"]

    def test_labels_are_words_in_the_readers_language(self):
        rows = self.rows(self.figure(), labels=True)
        assert rows[1] == ["Female", "Viet Nam", "40", "false"]
        assert rows[3][:2] == ["Male", "Cambodia"]


class TestAnonymise:
    def row(self, **values):
        return {**dict.fromkeys(CTDC_COLUMNS + FLAG_COLUMNS, ""), **values}

    def test_rows_that_share_everything_with_nine_others_are_kept_whole(self):
        rows = [self.row(gender="Female", citizenship="VN", isForcedLabour="1") for _ in range(10)]
        released, withheld = anonymise(rows)
        assert withheld == 0 and released[0]["citizenship"] == "VN"
        assert released[0]["isForcedLabour"] == "1"

    def test_a_row_that_stands_out_loses_detail_until_it_hides_among_ten(self):
        common = [self.row(gender="Female", citizenship="VN") for _ in range(9)]
        odd = self.row(gender="Female", citizenship="KH", isSexualExploit="1")
        released, withheld = anonymise([*common, odd])
        assert withheld == 0 and len(released) == 10
        assert {row["citizenship"] for row in released} == {""}  # all ten blanked together
        assert {row["gender"] for row in released} == {"Female"}
        assert {row["isSexualExploit"] for row in released} == {""}

    def test_fewer_than_ten_people_are_all_withheld(self):
        released, withheld = anonymise([self.row(gender="Male") for _ in range(9)])
        assert (released, withheld) == ([], 9)

    def test_every_released_row_has_nine_twins(self):
        import random

        rng = random.Random(5)
        rows = [
            self.row(gender=rng.choice(["Female", "Male"]), citizenship=rng.choice(["VN", "KH"]),
                     yearOfRegistration=rng.choice(["2023", "2024"]),
                     isForcedLabour=rng.choice(["1", ""]))
            for _ in range(120)
        ]  # fmt: skip
        released, withheld = anonymise(rows)
        assert len(released) + withheld == 120
        assert min(Counter(tuple(row.values()) for row in released).values()) >= 10


@pytest.mark.django_db
def test_the_ctdc_file_has_ctdcs_columns_and_leaves_out_refusals():
    victims = add_victims("Hotline VN", 11)
    refuse_research(victims[0])
    add_victims("Hotline VN", 3, person={"gender": "Masculine"})
    out = io.StringIO()
    withheld = write_ctdc(out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == CTDC_COLUMNS + FLAG_COLUMNS
    assert len(rows) == 10 and withheld == 3  # ten alike; three men who cannot hide
    assert {row["gender"] for row in rows} == {"Female"}
    assert {row["isForcedLabour"] for row in rows} == {"1"}
    assert {row["meansOfControlDebtBondage"] for row in rows} == {"1"}
    assert {row["isSexualExploit"] for row in rows} == {""}


class TestLabels:
    def test_countries_by_name(self):
        assert value_label(CASES["citizenship"], "VN") == "Viet Nam"
        assert value_label(CASES["citizenship"], "QQ") == "QQ"

    def test_flags_as_yes_and_no(self):
        flag = CASES["isForcedLabour"]
        assert (value_label(flag, "1"), value_label(flag, "0")) == ("Yes", "No")

    def test_group_members_and_categories_by_their_words(self):
        group = CASES["meansOfControlConcatenated"]
        assert value_label(group, "meansOfControlWithholdsDocuments") == "Withholds documents"
        assert value_label(CASES["traffickMonths"], "25+ (2+ yrs)") == "More than two years"

    def test_an_age_band_takes_an_en_dash_and_an_unknown_value_is_itself(self):
        assert value_label(CASES["ageBroadAtEntry"], "18--20") == "18\u201320"
        assert value_label(VICTIM_PERPETRATOR["IP_Relation"], "FriendAcquaintance") == (
            "FriendAcquaintance"
        )

    def test_every_flag_of_the_cases_has_words(self):
        assert all(flag.name in VALUES for flag in CASES.flags)

    def test_words_follow_the_language(self):
        group = CASES["typeOfExploitConcatenated"]
        with translation.override("vi"):
            vietnamese = value_label(group, "isForcedLabour")
            country = value_label(CASES["citizenship"], "KH")
        assert vietnamese != "Forced labour" and vietnamese
        assert country != "Cambodia"
