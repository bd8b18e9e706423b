"""Statistics at scale on PostgreSQL: each figure's time next to pandas and DuckDB, same data.

    make bench                                     # with the other benchmarks: 1,000,000 cases
    .venv/bin/python bench/stats.py --cases 20000  # a quick look
    .venv/bin/python bench/stats.py --keep         # keep the haven_bench_stats database

Makes a throw-away database (haven_bench_stats) next to HAVEN_TEST_DATABASE_URL, loads --cases
cases with bench/cases.py's generator (participants, consent, tasks, referrals) plus a fifth as
many anonymous reports, builds the statistics records of the cases, imports the CTDC
victim-perpetrator file from ../shared/data when it is there, then times:

- every figure of the staff dashboard, computed by Haven (uncached, as after a change), and
  the same aggregation of the same rows by pandas and by DuckDB on DataFrames already in
  memory (loading them is not timed: that is the baseline's best case). The ratio Haven/pandas
  is the figure of merit (target: 2 or less);
- the public page through Django's test client: empty cache, served from the cache, and the
  first view after a case changed (the records are brought up to date and drawn again).

Needs the dev extras (pandas, duckdb): `pip install -e '.[dev]'`.
"""

import argparse
import importlib.util
import io
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CTDC_FILE = ROOT.parent / "shared" / "data" / "ctdc" / "CTDC_VPsynthetic_condensed.csv"
DATABASE_NAME = "haven_bench_stats"
ROUNDS = 3


def bench_cases():
    """bench/cases.py as a module: its generator makes the cases."""
    spec = importlib.util.spec_from_file_location("bench_cases", ROOT / "bench" / "cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed(work, rounds: int = ROUNDS) -> tuple[float, object]:
    """Median seconds over `rounds` runs, and the last result."""
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def load_reports(count: int, organisations: list) -> None:
    """Anonymous reports received over ten years, most of them triaged within days."""
    from django.db import connection

    from haven.reports.models import Report

    cases = bench_cases()
    rng = random.Random(7)
    reports = cases.Table(Report, connection)
    recipients = cases.Table(Report.recipients.through, connection)
    start = datetime(2016, 1, 1, tzinfo=UTC)
    with connection.cursor() as cursor:
        for number in range(count):
            created = start + timedelta(seconds=rng.randint(0, 10 * 365 * 86400))
            triaged = (
                created + timedelta(hours=rng.expovariate(1 / 30)) if rng.random() < 0.8 else None
            )
            report_id = f"{rng.getrandbits(128):032x}"
            reports.add(
                {
                    "id": report_id,
                    "reference": f"R-B{number:07d}"[:12],
                    "receipt_hash": f"{number:064x}",
                    "country": rng.choice(["VN", "VN", "VN", "KH", "LA", "TH"]),
                    "exploitation_types": '["ForcedLabour"]',
                    "status": "closed" if triaged else "new",
                    "created": created,
                    "last_activity": triaged or created,
                    "triaged_at": triaged,
                }
            )
            recipients.add(
                {
                    "id": number + 1,
                    "report_id": report_id,
                    "organisation_id": rng.choice(organisations),
                }
            )
            if number % 5000 == 4999 or number == count - 1:
                reports.copy_to(cursor)
                recipients.copy_to(cursor)


# The baselines ---------------------------------------------------------------------------------


def frames(source_ids: dict):
    """The statistics records and the working tables as pandas DataFrames (not timed)."""
    import pandas
    from django.db import connection

    def read(sql: str):
        buffer = io.StringIO()
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY ({sql}) TO STDOUT WITH CSV HEADER") as copy,
        ):
            for block in copy:
                buffer.write(bytes(block).decode())
        buffer.seek(0)
        return pandas.read_csv(buffer, dtype=str, keep_default_na=False, na_values=[""])

    records = {}
    for name, source_id in source_ids.items():
        frame = read(f"SELECT * FROM stats_record WHERE source_id = {int(source_id)}")  # noqa: S608
        frame["flags"] = frame["flags"].astype("int64")
        frame["known"] = frame["known"].astype("int64")
        records[name] = frame
    organisations = read("SELECT id, name FROM accounts_organisation")
    cases = read("SELECT id, organisation_id, case_worker_id, status, country FROM cases_case")
    tasks = read("SELECT case_id, assigned_to_id, due, done_at FROM cases_task")
    referrals = read(
        "SELECT from_organisation_id, to_organisation_id, state, sent_at FROM cases_referral"
    )
    reports = read("SELECT id, created, triaged_at FROM reports_report")
    for frame, columns in ((tasks, ["due", "done_at"]), (reports, ["created", "triaged_at"])):
        for column in columns:
            frame[column] = pandas.to_datetime(frame[column], utc=True, format="ISO8601")
    return records, {"organisations": organisations, "cases": cases, "tasks": tasks,
                     "referrals": referrals, "reports": reports}  # fmt: skip


def pandas_figure(frame, layout, names: list[str]):
    """The figure's counts as pandas computes them: value_counts, bit masks, groupby."""
    variables = [layout[name] for name in names]
    if len(variables) == 2 and all(v.kind == "category" for v in variables):
        return frame.groupby([v.slot for v in variables]).size()
    variable = variables[0]
    if variable.kind == "category":
        return frame[variable.slot].value_counts()
    rows = frame["flags"][(frame["known"] & layout.mask(variable.members)) != 0]
    return {
        member: int(((rows & (1 << layout[member].bit)) != 0).sum()) for member in variable.members
    }


def duckdb_figure(frame, layout, names: list[str]):
    """The same counts in SQL, run by DuckDB straight on the DataFrame."""
    import duckdb

    variables = [layout[name] for name in names]
    if all(v.kind == "category" for v in variables):
        slots = ", ".join(v.slot for v in variables)
        present = " AND ".join(f"{v.slot} IS NOT NULL" for v in variables)
        sql = f"SELECT {slots}, count(*) FROM frame WHERE {present} GROUP BY ALL"  # noqa: S608
    else:
        variable = variables[0]
        sums = ", ".join(
            f"count(*) FILTER (WHERE flags & {1 << layout[m].bit} <> 0)" for m in variable.members
        )
        sql = f"SELECT {sums} FROM frame WHERE known & {layout.mask(variable.members)} <> 0"  # noqa: S608
    return duckdb.sql(sql).fetchall()


def pandas_work(tables: dict, today) -> dict:
    """The dashboard's working figures in pandas, joins included as the database does them."""
    import pandas

    cases, tasks = tables["cases"], tables["tasks"]
    names = tables["organisations"].set_index("id")["name"]

    def workload():
        open_cases = cases[cases["status"].isin(["Active", "FollowUp"])]
        return open_cases.groupby("organisation_id").size().rename(index=names)

    def overdue():
        late = tasks[tasks["done_at"].isna() & (tasks["due"] < pandas.Timestamp(today, tz="UTC"))]
        joined = late.merge(cases[["id", "organisation_id"]], left_on="case_id", right_on="id")
        return joined.groupby("organisation_id").size().rename(index=names)

    def referrals():
        return tables["referrals"].groupby("state").size()

    def reports():
        frame = tables["reports"]
        triaged = frame[frame["triaged_at"].notna()]
        return len(frame), len(triaged), (triaged["triaged_at"] - triaged["created"]).mean()

    return {
        "workload": workload,
        "overdue tasks": overdue,
        "referrals": referrals,
        "reports": reports,
    }


def duckdb_work(tables: dict, today) -> dict:
    import duckdb

    cases, tasks, organisations = tables["cases"], tables["tasks"], tables["organisations"]
    referrals, reports = tables["referrals"], tables["reports"]
    queries = {
        "workload": "SELECT o.name, count(*) FROM cases c JOIN organisations o ON o.id = c.organisation_id "
        "WHERE c.status IN ('Active', 'FollowUp') GROUP BY o.name",
        "overdue tasks": "SELECT o.name, count(*) FROM tasks t JOIN cases c ON c.id = t.case_id "
        "JOIN organisations o ON o.id = c.organisation_id WHERE t.done_at IS NULL AND t.due < current_date "
        "GROUP BY o.name",
        "referrals": "SELECT state, count(*) FROM referrals GROUP BY state",
        "reports": "SELECT count(*), count(triaged_at), avg(triaged_at - created) FROM reports",
    }
    names = {"cases": cases, "tasks": tasks, "organisations": organisations, "referrals": referrals,
             "reports": reports}  # fmt: skip

    connection = duckdb.connect()
    for name, frame in names.items():
        connection.register(name, frame)

    def runner(sql):
        return lambda: connection.sql(sql).fetchall()

    return {label: runner(sql) for label, sql in queries.items()}


# Measuring -------------------------------------------------------------------------------------


def row(label: str, haven: float, panda: float, duck: float) -> str:
    return (
        f"  {label:<46} {haven * 1000:>9.1f} {panda * 1000:>9.1f} {duck * 1000:>9.1f} "
        f"{haven / panda:>8.2f} {haven / duck:>8.2f}"
    )


def header(title: str) -> str:
    columns = f"{'Haven ms':>9} {'pandas':>9} {'DuckDB':>9} {'/pandas':>8} {'/DuckDB':>8}"
    return f"\n{title}\n  {'figure':<46} {columns}"


def measure_figures(sources: dict, records: dict, ratios: list) -> None:
    from haven.stats.figures import figure, parse_query
    from haven.stats.variables import LAYOUTS
    from haven.stats.views import STAFF_FIGURES

    for name, source in sources.items():
        layout = LAYOUTS[source.format]
        if source.name == "cases":
            wanted = [by for by, _kind, _title in STAFF_FIGURES]
        else:
            wanted = [v.name for v in layout.variables.values() if v.kind != "flag"]
        print(header(f"{name}: {source.rows_loaded:,} records"))
        frame = records[name]
        for by in wanted:
            query = parse_query({"by": by, "source": source.name}, published=False, source=source)
            haven, _ = timed(lambda query=query: figure(query))
            names = by.split(",")
            panda, _ = timed(lambda f=frame, lay=layout, n=names: pandas_figure(f, lay, n))
            duck, _ = timed(lambda f=frame, lay=layout, n=names: duckdb_figure(f, lay, n))
            ratios.append((f"{name}: {by}", haven / panda))
            print(row(by[:46], haven, panda, duck), flush=True)


def measure_work(tables: dict, ratios: list) -> None:
    from django.utils import timezone

    from haven.stats import dashboard

    today = timezone.localdate()
    scope = dashboard.Scope(organisations=None, per_worker=False)
    haven_work = {
        "workload": lambda: dashboard.workload(scope),
        "overdue tasks": lambda: dashboard.overdue_tasks(scope),
        "referrals": lambda: dashboard.referrals(scope),
        "reports": lambda: dashboard.reports(scope),
    }
    pandas_runs, duck_runs = pandas_work(tables, today), duckdb_work(tables, today)
    print(header("Working figures (every organisation, as an analyst sees them)"))
    for label, work in haven_work.items():
        haven, _ = timed(work)
        panda, _ = timed(pandas_runs[label])
        duck, _ = timed(duck_runs[label])
        ratios.append((label, haven / panda))
        print(row(label, haven, panda, duck), flush=True)


# What the public page asks on every view to know that nothing changed; indexes that make it
# cheap are proposed for the cases app (docs/stats.md) and made here, after timing it without.
PROPOSED_INDEXES = [
    "CREATE INDEX bench_case_updated ON cases_case (updated)",
    "CREATE INDEX bench_consent_recorded ON cases_consent (item, recorded_at)",
    "CREATE INDEX bench_consent_withdrawn ON cases_consent (item, withdrawn_at)",
]


def measure_fingerprint() -> None:
    from django.db import connection

    from haven.stats.projection import fingerprint

    without, _ = timed(fingerprint, rounds=3)
    with connection.cursor() as cursor:
        for statement in PROPOSED_INDEXES:
            cursor.execute(statement)
        cursor.execute("VACUUM ANALYZE cases_case")
        cursor.execute("VACUUM ANALYZE cases_consent")
    with_indexes, _ = timed(fingerprint, rounds=3)
    print(
        f"\nChecking for changes (the fingerprint): {without * 1000:.0f} ms as the cases app is; "
        f"{with_indexes * 1000:.0f} ms with indexes on case.updated and consent (item, recorded_at), "
        f"(item, withdrawn_at)"
    )


def measure_page(case_ids: list) -> None:
    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone

    from haven.cases.models import Case

    client = Client()

    def page():
        response = client.get("/en/stats/")
        assert response.status_code == 200, response.status_code
        return len(response.content)

    cache.clear()
    cold, size = timed(page, rounds=1)
    warm, _ = timed(page, rounds=5)
    changed = []
    for case_id in case_ids[:3]:
        Case.objects.filter(pk=case_id).update(updated=timezone.now())
        cache.clear()  # the figures' keys change with the data version anyway; start clean
        took, _ = timed(page, rounds=1)
        changed.append(took)
    print(
        f"\nPublic page /en/stats/ ({size:,} bytes): empty cache {cold * 1000:.0f} ms; from the "
        f"cache {warm * 1000:.0f} ms (median of 5: checking that nothing changed); first view "
        f"after a case changed {statistics.median(changed) * 1000:.0f} ms (median of 3). "
        f"Target: under 1,000 ms."
    )


def run(arguments) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from haven.accounts.demo import create_demo_data
    from haven.accounts.models import Organisation
    from haven.stats.ctdc import import_file
    from haven.stats.projection import refresh_cases

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    create_demo_data(lambda username: secrets.token_urlsafe(16))
    print(
        f"PostgreSQL, {arguments.cases:,} cases; load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    started = time.perf_counter()
    loaded = bench_cases().load(arguments.cases)
    organisations = [pk.hex for pk in Organisation.objects.values_list("pk", flat=True)]
    load_reports(arguments.cases // 5, organisations)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"Loaded {loaded['rows']:,} case rows and {arguments.cases // 5:,} reports in {time.perf_counter() - started:.0f} s"
    )

    started = time.perf_counter()
    cases = refresh_cases()
    built = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE stats_record")
    print(f"Statistics records of the cases built in {built:.0f} s: {cases.rows_loaded:,} victims")
    sources = {"cases": cases}
    if CTDC_FILE.exists():
        started = time.perf_counter()
        result = import_file(CTDC_FILE, "ctdc-vp", replace=True)
        print(f"CTDC victim-perpetrator file imported in {time.perf_counter() - started:.1f} s: "
              f"{result.rows_loaded:,} rows")  # fmt: skip
        sources["CTDC victim-perpetrator"] = result.source
    records, tables = frames({name: source.pk for name, source in sources.items()})
    ratios = []
    measure_figures(sources, records, ratios)
    measure_work(tables, ratios)
    measure_fingerprint()
    measure_page(_some_cases())
    worst = max(ratios, key=lambda item: item[1])
    over = [label for label, ratio in ratios if ratio > 2]
    print(
        f"\nWorst ratio to pandas: {worst[1]:.2f} ({worst[0]}); over 2: {len(over)} of {len(ratios)}"
    )
    print(f"Load {os.getloadavg()[0]:.1f} at the end (other work shares these CPUs).")


def _some_cases() -> list:
    from haven.cases.models import Case

    return list(Case.objects.values_list("pk", flat=True)[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help=f"keep the {DATABASE_NAME} database")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        run(arguments)
        return
    import psycopg

    cases = bench_cases()
    postgres = cases.POSTGRES
    with psycopg.connect(postgres, dbname="postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE_NAME}")
        connection.execute(f"CREATE DATABASE {DATABASE_NAME}")
    try:
        with tempfile.TemporaryDirectory(prefix="haven-bench-stats-") as folder:
            env = cases.environment(folder)
            env["HAVEN_DATABASE_URL"] = postgres.rsplit("/", 1)[0] + "/" + DATABASE_NAME
            subprocess.run(
                [sys.executable, __file__, "--child", *sys.argv[1:]], env=env, check=True, cwd=ROOT
            )
    finally:
        if not arguments.keep:
            with psycopg.connect(postgres, dbname="postgres", autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {DATABASE_NAME}")


if __name__ == "__main__":
    main()
