"""Small cells are hidden, and no hidden cell can be worked out from the totals shown."""

import itertools
import random

import pytest
from django.test import override_settings

from haven.stats import privacy
from haven.stats.privacy import COMPLEMENT, PRIMARY, Line, exposed, geometric_noise, protect


def feasible_values(counts, lines, hidden, cap):
    """Every value each hidden cell can take, by brute force over what a reader knows:
    the shown cells, the totals of lines not wholly hidden, "<10" or "x" for hidden ones."""
    keys = sorted(hidden, key=str)
    ranges = [
        range(1, privacy.THRESHOLD) if hidden[key] == PRIMARY else range(privacy.THRESHOLD, cap + 1)
        for key in keys
    ]
    known = [line for line in lines if not all(key in hidden for key in line.keys)]
    values = {key: set() for key in keys}
    for guess in itertools.product(*ranges):
        trial = {**counts, **dict(zip(keys, guess, strict=True))}
        if all(sum(trial[key] for key in line.keys) == line.total for line in known):
            for key, value in zip(keys, guess, strict=True):
                values[key].add(value)
    return values


def one_way(counts):
    return [Line(tuple(counts), sum(counts.values()))]


def two_way(counts):
    lines = one_way(counts)
    for axis in (0, 1):
        for value in {key[axis] for key in counts}:
            keys = tuple(key for key in counts if key[axis] == value)
            lines.append(Line(keys, sum(counts[key] for key in keys)))
    return lines


def test_cells_under_ten_are_hidden_and_others_shown():
    counts = {"a": 25, "b": 9, "c": 30, "d": 11}
    hidden = protect(counts, one_way(counts))
    assert hidden == {"b": PRIMARY, "d": COMPLEMENT}  # the smallest shown one goes with it


def test_two_small_cells_can_protect_each_other():
    counts = {"a": 25, "b": 3, "c": 5}
    assert protect(counts, one_way(counts)) == {"b": PRIMARY, "c": PRIMARY}


def test_two_ones_give_each_other_away_so_a_third_cell_is_hidden():
    # Hidden 1 and 1 with a known total: both must be 1.
    counts = {"a": 25, "b": 1, "c": 1, "d": 40}
    hidden = protect(counts, one_way(counts))
    assert hidden == {"b": PRIMARY, "c": PRIMARY, "a": COMPLEMENT}
    assert exposed(counts, one_way(counts), hidden) == []


def test_a_complement_of_exactly_ten_next_to_a_one_is_not_enough():
    counts = {"a": 1, "b": 10, "c": 50}
    hidden = protect(counts, one_way(counts))
    assert set(hidden) == {"a", "b", "c"}


@pytest.mark.parametrize("seed", range(150))
def test_no_hidden_cell_of_a_one_way_table_can_be_recomputed(seed):
    rng = random.Random(seed)
    counts = {
        f"v{i}": rng.choice([1, 2, 3, 5, 8, 9, 10, 11, 12, 14, 20])
        for i in range(rng.randint(1, 4))
    }
    lines = one_way(counts)
    hidden = protect(counts, lines)
    assert {k for k, n in counts.items() if n < privacy.THRESHOLD} <= set(hidden)
    for key, values in feasible_values(counts, lines, hidden, cap=sum(counts.values())).items():
        assert counts[key] in values
        fully_hidden = len(hidden) == len(counts)
        assert len(values) >= 2 or fully_hidden, (counts, hidden, key, values)


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_cell_of_a_two_way_table_can_be_recomputed(seed):
    rng = random.Random(seed)
    rows, columns = rng.randint(2, 3), 2
    counts = {
        (r, c): rng.choice([1, 2, 4, 9, 10, 12, 13])
        for r, c in itertools.product(range(rows), range(columns))
    }
    lines = two_way(counts)
    hidden = protect(counts, lines)
    assert exposed(counts, lines, hidden) == []
    if len(hidden) > 6:
        return  # beyond brute force; the bounds above still hold
    for key, values in feasible_values(counts, lines, hidden, cap=15).items():
        row_hidden = all(k in hidden for k in counts if k[0] == key[0])
        column_hidden = all(k in hidden for k in counts if k[1] == key[1])
        assert len(values) >= 2 or (row_hidden and column_hidden), (counts, hidden, key)


def test_a_multi_valued_group_is_bounded_by_its_union():
    # 30 people, 25 with A, 9 with B: B >= 30 - 25 = 5 at least, so B is not pinned.
    counts = {"A": 25, "B": 9}
    lines = [Line(("A", "B"), 30, partition=False)]
    hidden = protect(counts, lines)
    assert "B" in hidden and exposed(counts, lines, hidden) == []
    # 34 people, 25 with A: B must be 9 if A is shown, so A is hidden as well.
    lines = [Line(("A", "B"), 34, partition=False)]
    hidden = protect(counts, lines)
    assert hidden == {"B": PRIMARY, "A": COMPLEMENT}


@override_settings(SECRET_KEY="k" * 50)
def test_noise_is_the_same_for_the_same_question():
    first = [geometric_noise(0.5, "query", i) for i in range(200)]
    assert first == [geometric_noise(0.5, "query", i) for i in range(200)]
    assert first != [geometric_noise(0.5, "other", i) for i in range(200)]


@override_settings(SECRET_KEY="k" * 50)
def test_noise_is_centred_and_scaled_by_epsilon():
    def spread(epsilon):
        draws = [geometric_noise(epsilon, "spread", i) for i in range(4000)]
        return sum(draws) / len(draws), sum(abs(d) for d in draws) / len(draws)

    mean, wide = spread(0.2)
    _, narrow = spread(2.0)
    assert abs(mean) < 0.5
    # E|X| for two-sided geometric noise is 2a/(1-a^2) with a = exp(-epsilon): 4.9 and 0.3.
    assert 4.0 < wide < 6.0 and 0.2 < narrow < 0.45


def test_noisy_counts_are_never_negative():
    assert all(privacy.noisy(0, 0.1, 1, "neg", i) >= 0 for i in range(100))
