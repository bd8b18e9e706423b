"""The kept counts (tallies and slices) always equal counting the records themselves: after
random inserts, updates, deletes and consent answers on cases, and after CTDC imports."""

import random
from datetime import date

import pytest
from django.utils import timezone

from haven.accounts.models import Organisation
from haven.cases.models import Case, Participant, Person
from haven.stats import slices, tallies
from haven.stats.ctdc import import_file
from haven.stats.figures import Query, count, count_records
from haven.stats.models import Record, Slice
from haven.stats.projection import refresh_cases
from haven.stats.tests.builders import add_victims, refuse_research
from haven.stats.tests.conftest import FIXTURES
from haven.stats.tests.test_tallies_unit import random_victim
from haven.stats.variables import CASES, LAYOUTS

pytestmark = pytest.mark.django_db

DAYS = [date(2023, 12, 31), date(2024, 1, 1), date(2024, 1, 15), date(2024, 1, 31),
        date(2024, 2, 1), date(2024, 2, 29), date(2024, 3, 10), date(2024, 4, 30)]  # fmt: skip
# (from, to): whole months, partial months at either end, one month, a few days, open ends.
RANGES = [(None, None), (date(2024, 1, 1), date(2024, 2, 29)), (date(2024, 1, 15), None),
          (None, date(2024, 2, 15)), (date(2024, 1, 2), date(2024, 3, 30)),
          (date(2024, 1, 10), date(2024, 1, 20)), (date(2024, 2, 1), date(2024, 2, 1)),
          (date(2024, 3, 1), date(2024, 1, 1)), (date(2023, 12, 31), date(2024, 4, 30))]  # fmt: skip


def assert_slices_equal_counted():
    source = refresh_cases()
    assert source.sliced
    organisations = list(Organisation.objects.values_list("pk", flat=True))
    assert sum(Slice.objects.filter(source=source, by=tallies.TOTAL).values_list("count", flat=True)) == (
        Record.objects.filter(source=source).count()
    )  # fmt: skip
    for spec in tallies.specs(CASES):
        for published in (False, True):
            for chosen in (None, organisations[:1], organisations):
                for start, end in RANGES:
                    query = Query(source, list(spec), published=published, organisations=chosen,
                                  date_from=start, date_to=end)  # fmt: skip
                    kept = slices.read(query, count_records)
                    assert kept is not None
                    label = ([v.name for v in spec], published, chosen, start, end)
                    assert kept == count_records(query), label


def _slice_rows(source) -> set:
    fields = ("organisation_id", "month", "refused", "by", "first", "second", "count")
    return set(Slice.objects.filter(source=source).values_list(*fields))


@pytest.mark.parametrize("seed", [5, 17])
def test_slices_survive_a_random_sequence_of_changes(seed):
    rng = random.Random(seed)
    victims = []
    for step in range(24):
        action = rng.choice(["create", "create", "update", "move", "delete", "consent"])
        if action == "create" or not victims:
            fields = random_victim(rng)
            organisation = rng.choice(["Hotline VN", "Shelter HN"])
            opened = rng.choice(DAYS)
            victims += add_victims(organisation, 1, person=fields.pop("person"),
                                   case={"opened": opened}, registered=opened, **fields)  # fmt: skip
        elif action in ("update", "move"):
            chosen = rng.choice(victims)
            fields = random_victim(rng)
            Person.objects.filter(pk=chosen.person_id).update(**fields.pop("person"))
            if action == "move":  # to another month (and so another slice)
                fields["registered"] = rng.choice(DAYS)
            Participant.objects.filter(pk=chosen.pk).update(**fields)
            Case.objects.filter(pk=chosen.case_id).update(updated=timezone.now())
        elif action == "delete":
            chosen = victims.pop(rng.randrange(len(victims)))
            Case.objects.filter(pk=chosen.case_id).delete()
        else:
            refuse_research(rng.choice(victims), given=rng.random() < 0.3)
        if step == 14:
            assert_slices_equal_counted()
    assert_slices_equal_counted()
    source = refresh_cases()
    query = Query(source, [CASES["gender"]], organisations=[victims[0].case.organisation_id])
    assert count(query) == count_records(query)  # served from the slices
    kept = _slice_rows(source)
    refresh_cases(force=True)
    assert _slice_rows(source) == kept  # moved slices equal slices built from nothing


def test_an_unsliced_cases_source_is_built_again_with_slices():
    add_victims("Hotline VN", 3)
    source = refresh_cases()
    Slice.objects.all().delete()
    type(source).objects.filter(pk=source.pk).update(sliced=False, fingerprint=source.fingerprint)
    add_victims("Hotline VN", 1)  # a change, so the next view refreshes
    source = refresh_cases()
    assert source.sliced
    assert_slices_equal_counted()


@pytest.mark.parametrize(
    "file_name", ["kanon_2020_comma.csv", "synthetic_2025.csv", "victim_perpetrator.csv"]
)
def test_tallies_of_an_import_equal_the_records_counted(file_name):
    for replace in (False, True):  # an import, then the same source imported again over it
        source = import_file(FIXTURES / file_name, "imported", replace=replace).source
        layout = LAYOUTS[source.format]
        assert tallies.total(source, published=False) == source.records.count()
        for spec in tallies.specs(layout):
            for published in (False, True):
                query = Query(source, list(spec), published=published)
                assert tallies.read(source, list(spec), published) == count_records(query)
                assert count(query) == count_records(query)
                assert slices.read(query, count_records) is None  # open data: no slices
