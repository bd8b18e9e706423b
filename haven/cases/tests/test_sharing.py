"""The consent → sharing rule of docs/cases.md, as a pure function: no database needed.

The table is written out here again, on purpose: if someone loosens `sharing.REQUIRED`, these
tests, which state the rule independently, fail.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import combinations

import pytest

from haven.cases import sharing
from haven.cases.models import ConsentItem, Section
from haven.cases.sharing import HTCDS_ITEMS

INTERVIEW, PURPOSE, USE = "interview", "purpose", "use_of_data"
ACCESS, RETENTION, WITHDRAWAL, RESEARCH = "access", "retention", "withdrawal", "research"
ITEMS = [INTERVIEW, PURPOSE, USE, RESEARCH, ACCESS, RETENTION, WITHDRAWAL]

# docs/cases.md, "Consent decides what a referral may share".
NEEDS = {
    "summary": {INTERVIEW, PURPOSE},
    "exploitation": {INTERVIEW, PURPOSE, USE},
    "support": {INTERVIEW, PURPOSE, USE},
    "identity": {INTERVIEW, PURPOSE, USE, ACCESS, RETENTION, WITHDRAWAL},
    "contact": {INTERVIEW, PURPOSE, USE, ACCESS, RETENTION, WITHDRAWAL},
}
START = datetime(2026, 1, 1, 9, 0)


@dataclass
class Row:
    """A consent row as `sharing` reads it: the attributes of `haven.cases.models.Consent`."""

    person_id: int
    item: str
    given: bool = True
    recorded_at: datetime = START
    withdrawn_at: datetime | None = None


def given(person, items, *, at=START, value=True):
    return [Row(person, item, value, at) for item in items]


def expected(items) -> set[str]:
    return {section for section, needs in NEEDS.items() if needs <= set(items)}


ALL_SUBSETS = [
    set(subset) for size in range(len(ITEMS) + 1) for subset in combinations(ITEMS, size)
]


def test_the_table_in_this_test_matches_the_sections_and_items_of_the_models():
    assert set(NEEDS) == set(Section.values)
    assert set(ITEMS) == set(HTCDS_ITEMS)
    # Sharing abroad is asked apart (haven.federation.referrals): no domestic section needs it.
    assert set(ConsentItem.values) - set(ITEMS) == {"cross_border"}
    assert not any(ConsentItem.CROSS_BORDER in needed for needed in sharing.REQUIRED.values())


@pytest.mark.parametrize("items", ALL_SUBSETS, ids=lambda items: "+".join(sorted(items)) or "none")
def test_it_shares_exactly_the_sections_whose_items_are_all_given(items):
    assert sharing.shareable({1: "P-AAAAA"}, given(1, items)) == expected(items)


@pytest.mark.parametrize("items", ALL_SUBSETS, ids=lambda items: "+".join(sorted(items)) or "none")
def test_it_says_what_is_missing_exactly_where_sharing_is_refused(items):
    missing = sharing.missing_consent({1: "P-AAAAA"}, given(1, items), Section.values)
    refused = {entry.section for entry in missing}
    assert refused == set(Section.values) - expected(items)
    for entry in missing:
        assert set(entry.items) == NEEDS[entry.section] - items
        assert entry.person == "P-AAAAA"


@pytest.mark.parametrize("section", Section.values)
def test_each_section_is_refused_when_any_one_needed_item_is_refused(section):
    for item in NEEDS[section]:
        rows = given(1, NEEDS[section] - {item}) + given(1, [item], value=False)
        assert section not in sharing.shareable({1: "P-A"}, rows), item
        [entry] = sharing.missing_consent({1: "P-A"}, rows, [section])
        assert entry.items == (item,)


@pytest.mark.parametrize("section", Section.values)
def test_each_section_is_refused_when_any_one_needed_item_is_withdrawn(section):
    for item in NEEDS[section]:
        rows = given(1, NEEDS[section])
        for row in rows:
            if row.item == item:
                row.withdrawn_at = START + timedelta(days=1)
        assert section not in sharing.shareable({1: "P-A"}, rows), item


@pytest.mark.parametrize("section", Section.values)
def test_research_is_irrelevant_to_every_section(section):
    with_research = given(1, NEEDS[section] | {RESEARCH})
    refused_research = given(1, NEEDS[section]) + given(1, [RESEARCH], value=False)
    without = given(1, NEEDS[section])
    assert section in sharing.shareable({1: "P-A"}, with_research)
    assert section in sharing.shareable({1: "P-A"}, refused_research)
    assert sharing.shareable({1: "P-A"}, without) == sharing.shareable({1: "P-A"}, with_research)
    assert all(
        RESEARCH not in entry.items for entry in sharing.missing_consent({1: "P-A"}, [], [section])
    )


def test_research_alone_shares_nothing():
    assert sharing.shareable({1: "P-A"}, given(1, [RESEARCH])) == set()


def test_nobody_asked_means_nothing_is_shared_whatever_the_rows_say():
    assert sharing.shareable({}, given(1, ITEMS)) == set()
    assert sharing.missing_consent({}, given(1, ITEMS), Section.values) == []


def test_rows_of_a_person_not_in_the_list_do_not_count():
    # A perpetrator's consent is not asked: their rows must not stand in for the victim's.
    assert sharing.shareable({1: "P-A"}, given(2, ITEMS)) == set()


def test_every_person_must_give_what_a_section_needs():
    people = {1: "P-A", 2: "P-B"}
    rows = given(1, ITEMS) + given(2, [INTERVIEW, PURPOSE])
    assert sharing.shareable(people, rows) == {"summary"}
    missing = sharing.missing_consent(people, rows, ["identity"])
    assert [(entry.person, entry.section) for entry in missing] == [("P-B", "identity")]
    assert missing[0].items == (USE, ACCESS, RETENTION, WITHDRAWAL)


def test_missing_items_are_listed_in_the_standards_order():
    [entry] = sharing.missing_consent({1: "P-A"}, [], ["contact"])
    assert entry.items == (INTERVIEW, PURPOSE, USE, ACCESS, RETENTION, WITHDRAWAL)


def test_missing_is_reported_per_section_then_per_person_in_the_order_asked():
    people = {1: "P-A", 2: "P-B"}
    missing = sharing.missing_consent(people, [], ["exploitation", "summary"])
    assert [(entry.section, entry.person) for entry in missing] == [
        ("exploitation", "P-A"),
        ("exploitation", "P-B"),
        ("summary", "P-A"),
        ("summary", "P-B"),
    ]


def test_nothing_is_missing_for_sections_the_consent_allows():
    assert sharing.missing_consent({1: "P-A"}, given(1, ITEMS), Section.values) == []
    assert sharing.missing_consent({1: "P-A"}, given(1, [INTERVIEW, PURPOSE]), ["summary"]) == []


class TestCurrentAnswers:
    def test_the_latest_answer_wins_whatever_the_order_of_the_rows(self):
        later = START + timedelta(hours=1)
        rows = [Row(1, PURPOSE, False, later), Row(1, PURPOSE, True, START)]
        assert sharing.current_answers(rows) == {(1, PURPOSE): False}
        assert sharing.current_answers(list(reversed(rows))) == {(1, PURPOSE): False}

    def test_a_refusal_given_again_later_counts_as_given(self):
        later = START + timedelta(hours=1)
        rows = [*given(1, [INTERVIEW]), Row(1, PURPOSE, False, START), Row(1, PURPOSE, True, later)]
        assert sharing.shareable({1: "P-A"}, rows) == {"summary"}

    def test_a_later_refusal_takes_back_what_was_given(self):
        rows = [*given(1, ITEMS), Row(1, INTERVIEW, False, START + timedelta(hours=1))]
        assert sharing.shareable({1: "P-A"}, rows) == set()

    def test_a_withdrawn_answer_counts_as_no_answer(self):
        rows = [Row(1, INTERVIEW, True, START, withdrawn_at=START + timedelta(days=1))]
        assert sharing.current_answers(rows) == {}

    def test_a_withdrawal_does_not_bring_back_an_earlier_answer(self):
        # Withdrawing the current answer leaves the item unanswered, not at its older value.
        rows = [
            Row(1, INTERVIEW, True, START),
            Row(1, INTERVIEW, True, START + timedelta(hours=1), START + timedelta(days=1)),
        ]
        assert sharing.current_answers(rows) == {}

    def test_an_answer_recorded_after_a_withdrawal_counts(self):
        rows = [
            Row(1, INTERVIEW, True, START, withdrawn_at=START + timedelta(hours=1)),
            Row(1, INTERVIEW, True, START + timedelta(hours=2)),
        ]
        assert sharing.current_answers(rows) == {(1, INTERVIEW): True}

    def test_answers_are_kept_per_person_and_item(self):
        rows = given(1, [INTERVIEW]) + given(2, [INTERVIEW], value=False) + given(1, [PURPOSE])
        assert sharing.current_answers(rows) == {
            (1, INTERVIEW): True,
            (2, INTERVIEW): False,
            (1, PURPOSE): True,
        }

    def test_it_reads_any_iterable_once(self):
        assert sharing.current_answers(iter(given(1, [INTERVIEW]))) == {(1, INTERVIEW): True}


def test_the_rule_is_monotonic_more_consent_never_shares_less():
    for items in ALL_SUBSETS:
        base = sharing.shareable({1: "P-A"}, given(1, items))
        for extra in set(ITEMS) - items:
            assert base <= sharing.shareable({1: "P-A"}, given(1, items | {extra}))


def test_identity_and_contact_always_go_together_and_imply_the_rest():
    for items in ALL_SUBSETS:
        allowed = sharing.shareable({1: "P-A"}, given(1, items))
        assert ("identity" in allowed) == ("contact" in allowed)
        assert ("exploitation" in allowed) == ("support" in allowed)
        if "identity" in allowed:
            assert allowed == set(Section.values)
        if "exploitation" in allowed:
            assert "summary" in allowed
