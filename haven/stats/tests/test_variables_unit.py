"""Each layout gives every CTDC variable a place of its own in a record, and the cases' coding
(HTCDS picklists) lands on variables that exist."""

import pytest

from haven.cases import htcds
from haven.stats import projection
from haven.stats.models import SLOTS, Format
from haven.stats.variables import CASES as LAYOUT
from haven.stats.variables import (
    CATEGORY,
    FLAG,
    GROUP,
    LAYOUTS,
    PUBLIC_VARIABLES,
    YEAR,
    Layout,
    _layout,
)

ALL = pytest.mark.parametrize("layout", list(LAYOUTS.values()), ids=list(LAYOUTS))


def test_there_is_a_layout_for_every_format():
    assert set(LAYOUTS) == set(Format.values)
    assert all(layout.format == name for name, layout in LAYOUTS.items())


@ALL
def test_every_category_has_a_column_of_its_own(layout: Layout):
    slots = [variable.slot for variable in layout.categories]
    assert slots and all(slot in SLOTS for slot in slots)
    assert len(set(slots)) == len(slots)
    assert all(variable.bit == -1 for variable in layout.categories)


@ALL
def test_every_flag_has_a_bit_of_its_own_that_fits_a_bigint(layout: Layout):
    bits = [variable.bit for variable in layout.flags]
    assert bits == list(range(len(bits)))  # no gap, no overlap
    assert max(bits) < 63  # the sign bit of a BIGINT stays clear
    assert all(variable.slot == "" for variable in layout.flags)


@ALL
def test_a_variable_is_one_kind_only(layout: Layout):
    kinds = {variable.kind for variable in layout.variables.values()}
    assert kinds <= {CATEGORY, FLAG, GROUP}
    assert len(layout.categories) + len(layout.flags) + sum(
        v.kind == GROUP for v in layout.variables.values()
    ) == len(layout.variables)


@ALL
def test_groups_are_made_of_flags_of_the_same_layout(layout: Layout):
    for variable in layout.variables.values():
        if variable.kind == GROUP:
            assert variable.members, variable.name
            assert all(layout[member].kind == FLAG for member in variable.members)


@ALL
def test_a_mask_has_exactly_the_bits_of_the_names(layout: Layout):
    flags = layout.flags
    assert layout.mask([]) == 0
    assert layout.mask([flags[0].name]) == 1
    every = layout.mask([flag.name for flag in flags])
    assert every == (1 << len(flags)) - 1
    picked = [flags[-1].name, flags[0].name]
    assert layout.mask(picked) == (1 << flags[-1].bit) | 1


def test_a_layout_with_too_many_categories_is_refused():
    categories = [(f"v{index}", YEAR) for index in range(len(SLOTS) + 1)]
    with pytest.raises(ValueError, match="too many"):
        _layout("x", categories, [], {})


def test_a_layout_with_64_flags_is_refused_and_63_fit():
    assert len(_layout("x", [], [f"f{i}" for i in range(63)], {}).flags) == 63
    with pytest.raises(ValueError, match="too many"):
        _layout("x", [], [f"f{i}" for i in range(64)], {})


def test_multiple_marks_only_the_categories_that_say_so():
    vp = LAYOUTS[Format.VICTIM_PERPETRATOR]
    assert vp["IP_Gender"].multiple and not vp["gender"].multiple
    assert not any(variable.multiple for variable in LAYOUT.categories)


def test_the_public_may_count_by_variables_the_cases_have_and_no_single_flag():
    for name in PUBLIC_VARIABLES:
        assert name in LAYOUT, name
        assert LAYOUT[name].kind != FLAG, name


def test_the_public_variables_have_labels_for_people():
    for name in PUBLIC_VARIABLES:
        assert str(LAYOUT[name].label) != name


def test_an_unlabelled_variable_is_shown_by_its_name():
    vp = LAYOUTS[Format.VICTIM_PERPETRATOR]
    assert vp["IP_PayMoney"].label == "IP_PayMoney"


def test_every_htcds_code_the_cases_hold_lands_on_a_flag_of_the_cases_layout():
    flags = {variable.name for variable in LAYOUT.flags}
    for kind in htcds.ExploitationType.values:
        assert set(projection.EXPLOITATION[kind]) <= flags, kind
    for method in htcds.ControlMethod.values:
        assert "meansOfControl" + projection.CONTROL.get(method, method) in flags, method
    for kind in htcds.SexExploitationType.values:
        assert "typeOfSex" + kind in flags, kind
    for relation in htcds.Relationship.values:
        assert projection.RELATION[relation] in flags, relation
    for industry in htcds.Industry.values:
        label = projection.INDUSTRY.get(industry[:1], "Other")
        assert "typeOfLabour" + label in flags, industry


def test_every_htcds_gender_but_unknown_has_a_ctdc_value():
    accepted = set(LAYOUT["gender"].check)
    for gender in htcds.Gender.values:
        if gender == "NonSpecifiedUnknown":
            assert gender not in projection.GENDER
        else:
            assert projection.GENDER[gender] in accepted, gender


def test_the_projection_bits_are_the_layouts():
    assert {v.name: 1 << v.bit for v in LAYOUT.flags} == projection.BITS
