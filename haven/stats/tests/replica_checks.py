"""Run by test_replica.py in a process with HAVEN_REPLICA_DATABASE_URL set (the `replica` alias
mirrors the default test database): which alias each query ran on. Not collected on its own."""

from contextlib import contextmanager

import pytest
from django.db import connections, transaction

from haven.accounts.models import Organisation
from haven.cases.models import Case
from haven.lib.replica import REPLICA, statistics_reads
from haven.stats import dashboard
from haven.stats.figures import Query, count, count_records
from haven.stats.projection import refresh_cases
from haven.stats.tests.builders import add_victims
from haven.stats.variables import CASES

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER")


@contextmanager
def queries():
    """[(alias, sql)] of every query run in the block, on either alias."""
    seen = []

    def recorder(alias):
        def record(execute, sql, params, many, context):
            seen.append((alias, sql))
            return execute(sql, params, many, context)

        return record

    with (
        connections["default"].execute_wrapper(recorder("default")),
        connections[REPLICA].execute_wrapper(recorder(REPLICA)),
    ):
        yield seen


def test_the_replica_alias_mirrors_the_default_test_database():
    assert (
        connections[REPLICA].settings_dict["NAME"] == connections["default"].settings_dict["NAME"]
    )


def test_statistics_read_from_the_replica_and_everything_else_from_default():
    organisation = Organisation.objects.create(name="Replica NGO", org_type="NGO", country="VN")
    with queries() as seen:
        add_victims("Replica NGO", 12)
        source = refresh_cases()  # a write: builds records, tallies and slices
    assert seen and {alias for alias, _sql in seen} == {"default"}
    for by, organisations in (("gender", None), ("citizenship", [organisation.pk])):
        query = Query(source, [CASES[by]], organisations=organisations)
        with queries() as seen:
            denominator, counts = count(query)
        assert denominator == 12 and counts == {("Female",) if by == "gender" else ("VN",): 12}
        assert seen and {alias for alias, _sql in seen} == {REPLICA}, seen
    source.version += 1  # as if the replica had not yet replayed the last refresh
    with queries() as seen:
        assert count(Query(source, [CASES["gender"]]))[0] == 12
    assert seen[0][0] == REPLICA  # the version, read on the replica
    assert {alias for alias, _sql in seen[1:]} == {"default"}  # then counted on the primary
    scope = dashboard.Scope(organisations=None, per_worker=False)
    with queries() as seen:
        assert ("Replica NGO", 12) in dashboard.workload(scope)
        dashboard.referrals(scope)
        dashboard.reports(scope)
    assert seen and {alias for alias, _sql in seen} == {REPLICA}
    with queries() as seen:
        Case.objects.count()  # not statistics
        count_records(Query(source, [CASES["gender"]]))  # outside statistics_reads
    assert {alias for alias, _sql in seen} == {"default"}


def test_writes_and_reads_inside_a_transaction_never_go_to_the_replica():
    Organisation.objects.create(name="Replica NGO", org_type="NGO", country="VN")
    add_victims("Replica NGO", 2)
    with queries() as seen, statistics_reads():
        refresh_cases()  # decides what to write from what it reads: the primary
        with transaction.atomic():
            assert Case.objects.count() == 2  # reads its own transaction
    assert seen and {alias for alias, _sql in seen} == {"default"}
    with queries() as seen:
        add_victims("Replica NGO", 1)
        with statistics_reads():
            source = refresh_cases()
            count(Query(source, [CASES["gender"]]))
    writes = [sql for alias, sql in seen if sql.lstrip().upper().startswith(WRITES)]
    assert writes and not [sql for alias, sql in seen if alias == REPLICA and sql in writes]
