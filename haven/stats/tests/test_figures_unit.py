"""Figures counted from hand-built records: one and two variables, filters, unknowns, and the
questions that cannot be asked."""

import pytest

from haven.stats.figures import Query, StatsError, count, count_records, figure, parse_query
from haven.stats.models import Format, Source
from haven.stats.tests.records import make_source, repeat
from haven.stats.variables import KANON

pytestmark = pytest.mark.django_db

ROWS = [
    *repeat(12, gender="Female", citizenship="VN", isForcedLabour=True, isSexualExploit=False),
    *repeat(3, gender="Female", citizenship="KH", isForcedLabour=False, isSexualExploit=True),
    *repeat(11, gender="Male", citizenship="VN", isForcedLabour=True, isSexualExploit=True),
    *repeat(4, gender=None, citizenship="LA"),  # gender unknown, exploitation not answered
    *repeat(2, gender="Male", citizenship=None, isForcedLabour=False, isSexualExploit=False),
]


@pytest.fixture
def source():
    return make_source("hand", ROWS)


def counted(source, *names, **filters):
    query = parse_query({"by": ",".join(names), **filters}, published=False, source=source)
    denominator, cells = count(query)
    return denominator, {key if len(key) > 1 else key[0]: n for key, n in cells.items()}


class TestCounts:
    def test_one_way_counts_leave_unknowns_out_of_the_denominator(self, source):
        assert counted(source, "gender") == (28, {"Female": 15, "Male": 13})
        assert counted(source, "citizenship") == (30, {"VN": 23, "KH": 3, "LA": 4})

    def test_two_way_counts_need_both_values(self, source):
        assert counted(source, "gender", "citizenship") == (
            26,
            {("Female", "VN"): 12, ("Female", "KH"): 3, ("Male", "VN"): 11},
        )

    def test_a_flag_counts_yes_and_no_and_not_the_unanswered(self, source):
        assert counted(source, "isForcedLabour") == (28, {"1": 23, "0": 5})

    def test_a_group_can_count_a_person_twice_but_its_denominator_once(self, source):
        denominator, cells = counted(source, "typeOfExploitConcatenated")
        assert cells == {"isForcedLabour": 23, "isSexualExploit": 14}
        assert denominator == 28 < sum(cells.values())

    def test_a_category_by_a_group(self, source):
        _denominator, cells = counted(source, "gender", "typeOfExploitConcatenated")
        assert cells == {
            ("Female", "isForcedLabour"): 12,
            ("Female", "isSexualExploit"): 3,
            ("Male", "isForcedLabour"): 11,
            ("Male", "isSexualExploit"): 11,
        }

    def test_a_flag_by_a_flag_counts_each_combination(self, source):
        _denominator, cells = counted(source, "isForcedLabour", "isSexualExploit")
        assert cells == {("1", "0"): 12, ("0", "1"): 3, ("1", "1"): 11, ("0", "0"): 2}

    def test_an_empty_source_counts_nothing(self):
        empty = make_source("empty", [])
        assert counted(empty, "gender") == (0, {})
        assert counted(empty, "typeOfExploitConcatenated") == (0, {})


class TestFilters:
    def test_a_category_filter_takes_several_values(self, source):
        assert counted(source, "gender", citizenship="KH,LA") == (3, {"Female": 3})

    def test_a_flag_filter_of_0_leaves_out_the_unanswered(self, source):
        assert counted(source, "citizenship", isForcedLabour="0") == (3, {"KH": 3})
        assert counted(source, "gender", isForcedLabour="0") == (5, {"Female": 3, "Male": 2})
        assert counted(source, "citizenship", isForcedLabour="1") == (23, {"VN": 23})

    def test_a_group_filter_keeps_anyone_with_one_of_the_members(self, source):
        assert counted(source, "gender", typeOfExploitConcatenated="isSexualExploit")[1] == {
            "Female": 3,
            "Male": 11,
        }

    def test_filters_combine(self, source):
        assert counted(source, "citizenship", gender="Male", isSexualExploit="1") == (
            11,
            {"VN": 11},
        )


class TestQuestionsRefused:
    def errors(self, params, *, published=False, source=None):
        with pytest.raises(StatsError) as caught:
            parse_query(params, published=published, source=source)
        return caught.value.errors

    def test_no_variable_one_too_many_and_the_same_twice(self, source):
        assert self.errors({}, source=source) == [("by", "name one or two variables to count by")]
        assert self.errors({"by": "gender,citizenship,ageBroad"}, source=source)[0] == (
            "by",
            "name one or two different variables",
        )
        assert ("by", "name one or two different variables") in self.errors(
            {"by": "gender, gender"}, source=source
        )

    def test_every_problem_is_named_at_once(self, source):
        errors = self.errors(
            {"by": "nope", "colour": "red", "isForcedLabour": "yes",
             "typeOfExploitConcatenated": "isForcedLabour,meansOfControlThreats",
             "gender": " , ", "from": "2024-01-01"},
            source=source,
        )  # fmt: skip
        assert errors == [
            ("by", "unknown variable nope"),
            ("colour", "unknown field"),
            ("isForcedLabour", "expected 1 or 0"),
            ("typeOfExploitConcatenated",
             "expected one of isForcedLabour, isSexualExploit, isOtherExploit, isForcedMarriage, "
             "isForcedMilitary, isOrganRemoval, isSlaveryAndPractices"),
            ("gender", "give a value"),
            ("from", "only Haven's own cases can be filtered by this"),
        ]  # fmt: skip

    def test_published_figures_take_no_filters_and_only_public_variables(self, db):
        errors = self.errors({"by": "caseCountry", "gender": "Female"}, published=True)
        assert errors == [
            ("by", "unknown variable caseCountry"),
            ("gender", "published figures take no filters"),
        ]

    def test_the_public_cannot_ask_for_an_imported_source(self, source):
        errors = self.errors({"by": "gender", "source": "hand"}, published=True)
        assert errors[0][0] == "source" and "cases" in errors[0][1]
        assert "hand" not in errors[0][1]  # its name is not even told
        assert parse_query({"by": "gender", "source": "hand"}, published=False).source == source

    def test_staff_dates_and_organisations_are_checked(self, db):
        errors = self.errors({"by": "gender", "from": "1 May", "organisation": "x"})
        assert errors == [
            ("from", "expected a date as YYYY-MM-DD"),
            ("organisation", "expected an organisation's id"),
        ]

    def test_an_organisation_outside_the_readers_is_refused(self, db):
        import uuid

        mine, theirs = uuid.uuid4(), uuid.uuid4()
        with pytest.raises(StatsError) as caught:
            parse_query(
                {"by": "gender", "organisation": str(theirs)}, published=False,
                organisations=[mine],
            )  # fmt: skip
        assert caught.value.errors == [("organisation", "not an organisation you can see")]
        query = parse_query(
            {"by": "gender", "organisation": str(mine)}, published=False, organisations=[mine]
        )
        assert query.organisations == [mine]

    def test_the_error_text_names_each_field(self, source):
        with pytest.raises(StatsError, match="by: unknown variable x; colour: unknown field"):
            parse_query({"by": "x", "colour": "1"}, published=False, source=source)


class TestQueryKey:
    def query(self, source, **values):
        return Query(source, [KANON["gender"]], **values)

    def test_the_key_names_the_data_version_and_who_asks(self):
        source = Source(name="s", format=Format.KANON, version=3)
        key = self.query(source).key()
        assert key != self.query(source, published=True).key()
        source.version = 4
        assert key != self.query(source).key()

    def test_filters_in_another_order_are_the_same_question(self):
        source = Source(name="s", format=Format.KANON, version=1)
        one = self.query(source, filters=[(KANON["citizenship"], ["VN", "KH"]),
                                          (KANON["ageBroad"], ["48+"])])  # fmt: skip
        two = self.query(source, filters=[(KANON["ageBroad"], ["48+"]),
                                          (KANON["citizenship"], ["KH", "VN"])])  # fmt: skip
        assert one.key() == two.key()


class TestFigure:
    def test_cells_come_sorted_by_value_with_small_ones_hidden(self, source):
        result = figure(parse_query({"by": "citizenship"}, published=False, source=source))
        assert [cell["citizenship"] for cell in result.cells] == ["KH", "LA", "VN"]
        hidden = {cell["citizenship"]: cell["hidden"] for cell in result.cells}
        # KH 3 and LA 4 hide each other; VN 23 stays shown: 30 - 23 = 7 leaves both unknown.
        assert hidden == {"KH": "small", "LA": "small", "VN": None}
        assert result.denominator == 30
        assert result.as_dict()["cells"][0] == {"citizenship": "KH", "count": None,
                                                "suppressed": True}  # fmt: skip

    def test_a_denominator_under_ten_is_hidden_too(self):
        small = make_source("small", repeat(6, gender="Female"))
        result = figure(parse_query({"by": "gender"}, published=False, source=small))
        assert result.denominator is None
        assert result.cells == [
            {"gender": "Female", "count": None, "suppressed": True, "hidden": "small"}
        ]

    def test_kept_tallies_and_a_fresh_count_agree(self):
        kept = make_source("kept", ROWS, tallied=True, refused={0, 13})
        assert "gender" in kept.tallied
        for names in ("gender", "citizenship", "typeOfExploitConcatenated",
                      "citizenship,CountryOfExploitation"):  # fmt: skip
            for published in (False, True):
                query = parse_query({"by": names}, published=False, source=kept)
                query.published = published
                assert count(query) == count_records(query), (names, published)

    def test_published_counts_leave_out_research_refusals(self):
        refused = make_source("refused", ROWS, refused=set(range(12)))
        query = Query(refused, [KANON["gender"]], published=True)
        assert count(query) == (16, {("Female",): 3, ("Male",): 13})
