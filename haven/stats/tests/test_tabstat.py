"""Haven's counts on CTDC's victim-perpetrator file equal the frequencies in its dictionary."""

import pytest

from haven.stats.ctdc import import_file
from haven.stats.figures import Query, count
from haven.stats.tests.conftest import VP_DICTIONARY, VP_FILE
from haven.stats.variables import CATEGORY, VICTIM_PERPETRATOR

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]


def read_tabstat() -> dict:
    """{variable: {"cells": {value: freq}, "valid": n, "missing": n, "total": n}}."""
    import openpyxl

    sheet = openpyxl.load_workbook(VP_DICTIONARY, read_only=True)["TabStat"]
    table, current = {}, None
    for first, value, freq, *_rest in sheet.iter_rows(values_only=True):
        if first not in (None, "Valid", "Missing", "Total") and freq is None:
            current = table[first] = {"cells": {}, "valid": None, "missing": 0, "total": None}
        elif first == "Missing":
            current["missing"] = freq
        elif first == "Total":
            current["total"] = freq
        elif value == "Total":
            current["valid"] = freq
        elif freq is not None and value is not None and value != "Freq.":
            current["cells"][str(value)] = freq
    return table


@pytest.fixture(scope="module")
def tabstat():
    if not VP_FILE.exists():
        pytest.fail(f"{VP_FILE} is missing: realdata tests need ../shared/data")
    return read_tabstat()


@pytest.fixture(scope="module")
def source(tabstat, django_db_blocker):
    """Loaded once for the module (it takes seconds), and removed after it."""
    with django_db_blocker.unblock():
        source = import_file(VP_FILE, "ctdc-vp-tabstat", replace=True).source
    yield source
    with django_db_blocker.unblock():
        source.delete()


def test_the_dictionary_covers_every_variable(tabstat):
    assert set(tabstat) == set(VICTIM_PERPETRATOR.variables) - {
        "typeOfExploitConcatenated",
        "IP_Role",
    }


def test_every_row_is_loaded(source):
    assert (source.rows_read, source.rows_loaded, source.rows_refused) == (21195, 21195, 0)


@pytest.mark.parametrize(
    "name",
    [name for name, v in VICTIM_PERPETRATOR.variables.items() if v.kind != "group"],
)
def test_counts_equal_tabstat(tabstat, source, name):
    variable = VICTIM_PERPETRATOR[name]
    published = tabstat[name]
    denominator, counts = count(Query(source, [variable]))
    cells = {key[0]: n for key, n in counts.items()}
    if variable.kind == CATEGORY:
        assert cells == published["cells"]
        assert denominator == published["valid"]
    else:  # a flag: CTDC publishes the ones, and the empty rest as missing
        assert cells == {"1": published["cells"]["1"]}
        assert denominator == published["cells"]["1"]
    assert denominator + published["missing"] == published["total"] == 21195


def test_exploitation_types_can_sum_to_more_than_their_denominator(source):
    group = VICTIM_PERPETRATOR["typeOfExploitConcatenated"]
    denominator, counts = count(Query(source, [group]))
    assert counts == {("isForcedLabour",): 12248, ("isSexualExploit",): 2775}
    # Records with either type; those with both are counted in both cells.
    assert denominator < 12248 + 2775
    assert denominator >= 12248
