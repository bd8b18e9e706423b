"""Suppression on hand-built tables a reader could otherwise solve, and noise that repeats for
the same question on the same data and changes with the data."""

import pytest
from django.test import override_settings

from haven.stats import privacy
from haven.stats.figures import Query, figure
from haven.stats.privacy import COMPLEMENT, PRIMARY, Line, exposed, pinned, protect
from haven.stats.tests.records import make_source, repeat
from haven.stats.variables import KANON

KEY = "s" * 50


def two_way_lines(counts):
    lines = [Line(tuple(counts), sum(counts.values()))]
    for axis in (0, 1):
        for value in sorted({key[axis] for key in counts}):
            keys = tuple(key for key in counts if key[axis] == value)
            lines.append(Line(keys, sum(counts[key] for key in keys)))
    return lines


class TestSuppression:
    def test_ten_is_shown_and_nine_is_hidden(self):
        counts = {"a": 10, "b": 40}
        assert protect(counts, [Line(("a", "b"), 50)]) == {}
        counts = {"a": 9, "b": 40, "c": 12}
        assert protect(counts, [Line(("a", "b", "c"), 61)])["a"] == PRIMARY

    def test_one_hidden_cell_beside_a_known_total_is_recoverable_so_another_goes(self):
        counts = {"a": 50, "b": 5, "c": 45}
        line = Line(("a", "b", "c"), 100)
        # Hiding b alone: 100 - 50 - 45 = 5, and the reader has it.
        assert pinned(line, counts, {"b": PRIMARY}) == ["b"]
        hidden = protect(counts, [line])
        assert hidden == {"b": PRIMARY, "c": COMPLEMENT}  # the smallest shown cell
        assert pinned(line, counts, hidden) == []

    def test_a_complement_is_the_smallest_shown_cell_by_value_then_name(self):
        counts = {"a": 3, "y": 20, "x": 20, "z": 40}
        hidden = protect(counts, [Line(tuple(counts), 83)])
        assert hidden == {"a": PRIMARY, "x": COMPLEMENT}

    def test_without_a_known_total_one_hidden_cell_is_enough(self):
        counts = {"a": 50, "b": 5}
        # Only a line the reader does not know (a total of everything is not published here).
        assert protect(counts, []) == {"b": PRIMARY}

    def test_a_two_way_table_whose_margins_give_a_cell_away(self):
        counts = {("A", "X"): 20, ("A", "Y"): 3, ("B", "X"): 30, ("B", "Y"): 40}
        lines = two_way_lines(counts)
        # Row A is 23 and shows 20: the hidden cell would be 3.
        assert pinned(lines[1], counts, {("A", "Y"): PRIMARY}) == [("A", "Y")]
        hidden = protect(counts, lines)
        assert hidden[("A", "Y")] == PRIMARY
        assert exposed(counts, lines, hidden) == []
        # Each row and each column with a hidden cell hides at least two.
        for line in lines[1:]:
            assert sum(key in hidden for key in line.keys) != 1, line

    def test_a_two_way_table_with_an_untouched_row_keeps_it_shown(self):
        counts = {
            ("A", "X"): 2, ("A", "Y"): 4, ("A", "Z"): 50,
            ("B", "X"): 60, ("B", "Y"): 70, ("B", "Z"): 80,
            ("C", "X"): 3, ("C", "Y"): 5, ("C", "Z"): 90,
        }  # fmt: skip
        lines = two_way_lines(counts)
        hidden = protect(counts, lines)
        assert {("A", "X"), ("A", "Y"), ("C", "X"), ("C", "Y")} <= set(hidden)
        assert exposed(counts, lines, hidden) == []
        assert ("B", "Z") not in hidden

    def test_a_multi_valued_group_total_bounds_only_from_above(self):
        # 40 people; 35 with A, 6 with B: the reader only knows B <= 40 and B >= 40 - 35.
        counts = {"A": 35, "B": 6}
        line = Line(("A", "B"), 40, partition=False)
        assert protect(counts, [line]) == {"B": PRIMARY}
        # The same numbers as a partition would give B away.
        assert pinned(Line(("A", "B"), 41), counts, {"B": PRIMARY}) == ["B"]

    def test_a_line_wholly_hidden_is_not_an_exposure(self):
        counts = {"a": 2, "b": 3}
        line = Line(("a", "b"), 5)
        hidden = protect(counts, [line])
        assert hidden == {"a": PRIMARY, "b": PRIMARY}
        assert exposed(counts, [line], hidden) == []

    def test_nothing_small_nothing_hidden(self):
        counts = {("A", "X"): 10, ("A", "Y"): 11, ("B", "X"): 12, ("B", "Y"): 13}
        assert protect(counts, two_way_lines(counts)) == {}


class TestNoiseFunctions:
    @override_settings(SECRET_KEY=KEY)
    def test_the_draw_depends_on_every_part_of_the_seed(self):
        base = [privacy.geometric_noise(0.3, "q", 1, i) for i in range(50)]
        assert base == [privacy.geometric_noise(0.3, "q", 1, i) for i in range(50)]
        assert base != [privacy.geometric_noise(0.3, "q", 2, i) for i in range(50)]

    def test_the_draw_depends_on_the_secret_key(self):
        with override_settings(SECRET_KEY=KEY):
            one = [privacy.geometric_noise(0.3, "q", i) for i in range(50)]
        with override_settings(SECRET_KEY="t" * 50):
            two = [privacy.geometric_noise(0.3, "q", i) for i in range(50)]
        assert one != two

    @override_settings(SECRET_KEY=KEY)
    def test_uniform_draws_stay_strictly_inside_zero_and_one(self):
        draws = [privacy._uniform("u", i) for i in range(2000)]
        assert all(0 < draw < 1 for draw in draws)
        assert min(draws) < 0.01 and max(draws) > 0.99

    @override_settings(SECRET_KEY=KEY)
    def test_a_larger_sensitivity_spreads_the_noise(self):
        def spread(sensitivity):
            draws = [privacy.noisy(1000, 1.0, sensitivity, "s", i) - 1000 for i in range(2000)]
            return sum(abs(d) for d in draws) / len(draws)

        assert spread(8) > 3 * spread(1)

    @override_settings(SECRET_KEY=KEY)
    def test_noisy_counts_of_small_numbers_are_never_negative(self):
        values = [privacy.noisy(n, 0.05, 4, "small", n, i) for n in range(3) for i in range(300)]
        assert min(values) == 0 and max(values) > 0

    @override_settings(HAVEN_STATS_EPSILON=0.0)
    def test_an_epsilon_of_zero_means_no_noise(self):
        assert privacy.epsilon() is None


@pytest.mark.django_db
class TestNoisyFigures:
    ROWS = [
        *repeat(40, citizenship="VN", isForcedLabour=True),
        *repeat(25, citizenship="KH", isSexualExploit=True),
        *repeat(30, citizenship="LA", isForcedLabour=True, isSexualExploit=True),
        *repeat(35, citizenship="TH"),
        *repeat(20, citizenship="MM"),
        *repeat(45, citizenship="PH"),
        *repeat(3, citizenship="ID"),
    ]

    @pytest.fixture
    def source(self, settings):
        settings.SECRET_KEY, settings.HAVEN_STATS_EPSILON = KEY, 0.5
        return make_source("noisy", self.ROWS)

    def counts(self, source, name="citizenship", published=True):
        result = figure(Query(source, [KANON[name]], published=published))
        return result, {cell[name]: cell["count"] for cell in result.cells}

    def test_asking_again_gives_the_same_answer(self, source):
        first, cells = self.counts(source)
        again, same = self.counts(source)
        assert cells == same and first.denominator == again.denominator
        assert first.epsilon == 0.5

    def test_new_data_draws_new_noise(self, source):
        _result, before = self.counts(source)
        source.version += 1
        _result, after = self.counts(source)
        assert before != after

    def test_a_partition_adds_up_to_its_noisy_denominator(self, source):
        result, cells = self.counts(source)
        truth = {"VN": 40, "KH": 25, "LA": 30, "TH": 35, "MM": 20, "PH": 45, "ID": 3}
        assert cells != {key: n for key, n in truth.items() if n >= 10}  # noise was added
        assert all(n is None or n >= 10 for n in cells.values())
        shown = [cell for cell in result.cells if cell["count"] is not None]
        assert len(shown) >= 4
        assert result.denominator >= sum(cell["count"] for cell in shown)

    def test_noisy_cells_of_a_group_are_never_negative(self, source):
        result, cells = self.counts(source, "typeOfExploitConcatenated")
        assert result.denominator is not None and result.denominator >= 0
        assert all(n is None or n >= 0 for n in cells.values())

    def test_staff_figures_are_exact(self, source):
        result, cells = self.counts(source, published=False)
        assert result.epsilon is None
        assert cells["VN"] == 40 and cells["PH"] == 45 and result.denominator == 198
