"""The fast CSV export (haven.exchange.csv_export) gives byte for byte the file of the export it
replaced (reference_csv.py, the code as it was), on the demo cases and on cases made to hit
every corner: cells a spreadsheet would run, empty and missing values, no victims, consent
given, refused and withdrawn, referrals in several states."""

import csv
import io
from datetime import date

import pytest

from haven.cases import referrals, services
from haven.cases.tests.helpers import ALL_CONSENT, make_case
from haven.demo.cases import create_demo_cases
from haven.exchange.export import cases_for_export, export_csv
from haven.exchange.tests import reference_csv
from haven.exchange.tests.helpers import closed_case, empty_case, rich_case

pytestmark = pytest.mark.django_db

ODD_TEXTS = ("=1+2", "-3", "+84901234567", " =SUM(A1)", "'=1", "\tx", '"quoted", comma', "a\nb")


def corner_cases(alice, carol):
    rich_case(alice, carol)
    closed_case(alice)
    empty_case(alice)
    for number, text in enumerate(ODD_TEXTS):
        case = services.open_case(
            actor=alice,
            country="VN",
            opened=date(2024, 1, 1 + number),
            referring_case_worker=text,
            closure_reason=text,
        )
        person = {"first_name": text, "mailing_city": text, "birthdate": "1999-12-31"}
        participant = services.add_participant(
            case,
            actor=alice,
            role="victim",
            person=person,
            details={"recruitment_place": text, "recruitment_country": "VN"},
        )
        if number % 3 == 0:
            referrals.record_consent(case, participant.person, actor=alice, answers=ALL_CONSENT)
        elif number % 3 == 1:
            referrals.record_consent(
                case, participant.person, actor=alice, answers={"access": False}
            )
    pending = make_case(alice, consent=ALL_CONSENT, opened=date(2024, 6, 1))
    referrals.refer(
        pending,
        actor=alice,
        to_organisation=carol.organisation,
        reason="Cần nơi ở an toàn",  # words of the sender: "Other", and the words in the details
        sections=["summary"],
    )
    declined = make_case(alice, consent=ALL_CONSENT, opened=date(2024, 6, 2))
    referral = referrals.refer(
        declined,
        actor=alice,
        to_organisation=carol.organisation,
        reason="MigrationOrChangeOfLocation",
        sections=["summary"],
    )
    referrals.decline(referral, actor=carol, note="No room.")


@pytest.fixture
def exported_cases(alice, carol):
    create_demo_cases(40)
    corner_cases(alice, carol)


@pytest.mark.usefixtures("exported_cases")
@pytest.mark.parametrize("extended", [False, True])
@pytest.mark.parametrize("chunk_size", [7, 2000])
def test_every_case_gives_the_same_bytes(extended, chunk_size):
    cases = cases_for_export()
    old = "".join(reference_csv.export_csv(cases, extended=extended, chunk_size=chunk_size))
    new = "".join(export_csv(cases, extended=extended, chunk_size=chunk_size))
    assert old.count("\n") > 60  # the demo cases and the corner cases are all there
    assert new.encode() == old.encode()


@pytest.mark.usefixtures("exported_cases")
def test_one_organisations_cases_give_the_same_bytes(alice):
    cases = cases_for_export(alice.organisation)
    old = "".join(reference_csv.export_csv(cases, extended=True))
    assert "'=1+2" in old and "''=1" in old  # guarded cells are part of what is compared
    assert "".join(export_csv(cases, extended=True)).encode() == old.encode()


def consent_stories(alice) -> dict:
    """Cases whose con_Consent the database works out (issue 19), by what they should give."""
    htcds = dict(ALL_CONSENT)
    stories = {}
    stories["TRUE, cross_border refused"] = make_case(
        alice, consent={**htcds, "cross_border": False}, opened=date(2025, 1, 1)
    )
    six = {item: True for item in list(htcds)[1:]}
    stories["empty, cross_border given but one item unasked"] = make_case(
        alice, consent={**six, "cross_border": True}, opened=date(2025, 1, 2)
    )
    regiven = make_case(alice, consent=htcds, opened=date(2025, 1, 3))
    person = regiven.participants.get().person
    referrals.withdraw_consent(regiven, person, actor=alice, item="retention")
    referrals.record_consent(regiven, person, actor=alice, answers={"retention": True})
    stories["TRUE, withdrawn then given again"] = regiven
    withdrawn = make_case(alice, consent=htcds, opened=date(2025, 1, 4))
    person = withdrawn.participants.get().person
    referrals.withdraw_consent(withdrawn, person, actor=alice, item="access")
    stories["empty, one withdrawn"] = withdrawn
    refused = make_case(alice, consent=htcds, opened=date(2025, 1, 5))
    person = refused.participants.get().person
    referrals.record_consent(refused, person, actor=alice, answers={"access": False})
    stories["FALSE, refused after given"] = refused
    changed = make_case(alice, consent={**htcds, "access": False}, opened=date(2025, 1, 6))
    person = changed.participants.get().person
    referrals.record_consent(changed, person, actor=alice, answers={"access": True})
    stories["TRUE, given after refused"] = changed
    return stories


def test_the_consent_flag_follows_the_latest_answer_of_the_seven_items(alice):
    stories = consent_stories(alice)
    cases = cases_for_export(alice.organisation)
    new = "".join(export_csv(cases))
    assert new.encode() == "".join(reference_csv.export_csv(cases)).encode()
    rows = list(csv.DictReader(io.StringIO(new)))
    assert len(rows) == len(stories)
    for (story, _), row in zip(stories.items(), rows, strict=True):
        expected = story.split(",")[0]
        assert row["con_Consent"] == ("" if expected == "empty" else expected), story
