"""Cases at scale on PostgreSQL: generation rate, case list and case page latency, HTCDS export.

    make bench                                  # with the other benchmarks: 1,000,000 cases
    .venv/bin/python bench/cases.py --cases 20000          # a quick look
    .venv/bin/python bench/cases.py --keep --explain       # keep the database, show query plans
    .venv/bin/python bench/cases.py --reuse                # measure the kept database again
    .venv/bin/python bench/cases.py --cases 100000 --export-only   # the HTCDS export beside COPY
    .venv/bin/python bench/cases.py --cases 100000 --export-only --engine sqlite   # beside sqlite3 -csv

Makes a throw-away database (HAVEN_BENCH_CASES_DATABASE, a full URL; else haven_bench_cases
next to HAVEN_TEST_DATABASE_URL), migrates it,
and loads --cases realistic cases over ~50 organisations (about 20,000 each) plus the demo
organisations, Hotline VN holding a tenth of them: people, participants with HTCDS codes,
events, services, consent, notes, tasks and referrals between organisations in every state.
Rows go in with COPY, a batch of 5,000 cases at a time, with foreign-key triggers off and the
secondary indexes built after the load, then VACUUM ANALYZE (as autovacuum would do in time).
Encryption is real: every personal value is encrypted with haven.lib.crypto under the table and
column it lives in, as the model fields do. Empty encrypted fields (most of a person's columns)
hold, as through the ORM, a ciphertext of ""; the benchmark draws those from 256 real
ciphertexts per column rather than encrypting "" millions of times.

Then, through Django's test client, signed in (password and second factor) as a case manager
of one big organisation, it times the case list with common filters, the overdue tasks and
case pages, and prints p50/p95 per page; then it streams an HTCDS CSV export of Hotline VN's
cases (a tenth of all: 100,000 for the full run) through haven.exchange.export, beside
PostgreSQL's own COPY ... TO STDOUT of the same rows (each case with its victims and their
people). --export-only skips the pages and exports every case. With --engine sqlite (only with
--export-only) the same cases go into a throw-away SQLite file (bench/cases_sqlite.py) and the
reference is SQLite's own CSV output of the same query, the sqlite3 shell's -csv mode.
Targets (issue 5): list and case page p95 under 100 ms; export over 5,000 cases/s.
"""

import argparse
import base64
import importlib
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("HAVEN_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/haven")
# The benchmark's own database (made and dropped by it): HAVEN_BENCH_CASES_DATABASE, a full URL,
# else haven_bench_cases beside HAVEN_TEST_DATABASE_URL.
BENCH_DATABASE = os.environ.get("HAVEN_BENCH_CASES_DATABASE", "").strip() or (
    POSTGRES.rsplit("/", 1)[0] + "/haven_bench_cases"
)
DATABASE_NAME = BENCH_DATABASE.rsplit("/", 1)[1].split("?")[0]
SERVER = BENCH_DATABASE.rsplit("/", 1)[0] + "/postgres"
KEY_FILE = ROOT / "var" / "bench-cases.key"
LATE = ("questionnaires", "scoring", "summaries")  # modules the case page imports when called
BATCH = 5000
ORGANISATIONS = 50
WORKERS_PER_ORGANISATION = 18
SEED = 20261128
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LOADED_TABLES = (
    "cases_case",
    "cases_person",
    "cases_participant",
    "cases_traffickingevent",
    "cases_supportservice",
    "cases_consent",
    "cases_note",
    "cases_task",
    "cases_referral",
)
STATUSES = {"Active": 25, "FollowUp": 20, "Closed": 45, "ClosedReferred": 10}
REFERRAL_STATES = {"pending": 2, "accepted": 3, "declined": 2, "completed": 4, "revoked": 1}
CONSENT_ITEMS = ("interview", "purpose", "use_of_data", "research", "access", "retention")
CONSENT_ITEMS += ("withdrawal",)


def percentile(values: list[float], share: float) -> float:
    """Interpolated between the samples around it, so 40 requests give a fair 95th."""
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


# Loading ---------------------------------------------------------------------------------------


class Table:
    """The rows of one table for a batch, built on templates of the model's defaults."""

    def __init__(self, model, connection):
        from haven.lib.crypto import EncryptedTextField, encrypt_text

        self.encrypt = encrypt_text
        fields = model._meta.concrete_fields
        self.name = model._meta.db_table
        self.columns = [field.column for field in fields]
        self.position = {}
        self.associated = {}  # position of an encrypted column: its associated data
        template = []
        empty = []  # (position, real ciphertexts of "")
        for index, field in enumerate(fields):
            self.position[field.name] = self.position[field.attname] = index
            if isinstance(field, EncryptedTextField):
                self.associated[index] = field.associated_data
                empty.append((index, [field.get_prep_value("") for _ in range(256)]))
                template.append(None)
            elif field.has_default() and not callable(field.default):
                template.append(field.get_db_prep_save(field.get_default(), connection))
            elif field.get_internal_type() == "JSONField":
                template.append("[]")
            else:
                template.append(None if field.null else "")
        self.templates = []
        for turn in range(256):
            for index, pool in empty:
                template[index] = pool[turn]
            self.templates.append(list(template))
        self.rows: list[list] = []
        self.total = 0

    def add(self, values: dict) -> None:
        row = self.templates[self.total & 255].copy()
        for name, value in values.items():
            index = self.position[name]
            if index in self.associated:
                value = self.encrypt(value, self.associated[index])
            row[index] = value
        self.rows.append(row)
        self.total += 1

    def take(self) -> list[list]:
        rows, self.rows = self.rows, []
        return rows

    def copy(self, cursor, rows) -> None:
        columns = ", ".join(f'"{column}"' for column in self.columns)
        with cursor.copy(f'COPY "{self.name}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)


_CODES: dict[tuple, str] = {}


def codes(values) -> str:
    """A JSON list of codes, sorted as the services keep them."""
    key = tuple(values)
    if key not in _CODES:
        _CODES[key] = json.dumps(sorted(values))
    return _CODES[key]


class Generator:
    """Realistic cases from the demo's stories, many times faster than through the services."""

    def __init__(self, tables: dict, organisations: list, hotline, rng: random.Random, today):
        from haven.demo import stories

        self.stories = stories
        self.tables = tables
        self.rng = rng
        self.today = today
        self.references: set[str] = set()
        self.patterns = list(stories.PATTERNS.values())
        self.pattern_weights = list(accumulate(pattern["weight"] for pattern in self.patterns))
        # (organisation id, its workers' ids, share of the cases)
        self.owners = organisations
        self.owner_weights = list(accumulate(share for _, _, share in organisations))
        self.statuses = list(STATUSES)
        self.status_weights = list(accumulate(STATUSES.values()))
        self.others = [organisation for organisation, _, _ in organisations]
        self.hotline = hotline

    def uuid(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def reference(self) -> str:
        while True:
            reference = "C-" + "".join(self.rng.choices(ALPHABET, k=7))
            if reference not in self.references:
                self.references.add(reference)
                return reference

    def moment(self, day: date) -> datetime:
        seconds = self.rng.randint(8 * 3600, 18 * 3600)
        return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(seconds=seconds)

    def person(self, organisation, woman, highland, born, province, victim) -> str:
        stories, rng = self.stories, self.rng
        families = [f for f in stories.FAMILY_NAMES if (f in stories.HIGHLAND_FAMILIES) == highland]
        middles, givens = stories.WOMEN if woman else stories.MEN
        person_id = self.uuid()
        values = {
            "id": person_id,
            "organisation": organisation,
            "pseudonym": "P-" + "".join(rng.choices(ALPHABET, k=5)),
            "first_name": rng.choice(givens),
            "middle_name": rng.choice(middles),
            "second_name": rng.choice(families),
            "gender": "Feminine" if woman else "Masculine",
            "citizenship": '["VN"]',
            "primary_language": "hmn" if highland else "vie",
            "mobile_phone": f"+44 7700 900{rng.randint(0, 999):03d}",
            "mailing_state": province,
            "mailing_country": "VN",
            "created": self.moment(self.today),
        }
        if victim:
            values["birthdate"] = born.isoformat()
            values["identity_number"] = f"DEMO-{rng.randint(0, 99999999):08d}"
            values["mailing_street"] = rng.choice(stories.VILLAGES)
            values["education"] = rng.choice(
                ["PrimaryEducation", "LowerSecondaryEducation", "UpperSecondaryEducation"]
            )
        self.tables["person"].add(values)
        return person_id

    def case(self) -> None:
        rng, stories, tables = self.rng, self.stories, self.tables
        organisation, workers, _ = rng.choices(self.owners, cum_weights=self.owner_weights)[0]
        worker = rng.choice(workers)
        pattern = rng.choices(self.patterns, cum_weights=self.pattern_weights)[0]
        country, region, town = rng.choice(pattern["places"])
        highland = rng.random() < pattern.get("highland", 0.15)
        province = rng.choice(stories.HIGHLANDS if highland else stories.LOWLANDS)
        age_days = int(3650 * rng.random() ** 1.2)  # ten years, more of them lately
        opened = self.today - timedelta(days=age_days)
        created = self.moment(opened)
        status = rng.choices(self.statuses, cum_weights=self.status_weights)[0]
        if age_days < 30:
            status = "Active"
        case_id = self.uuid()
        kinds = rng.choice(pattern["kinds"])
        recruited = opened - timedelta(days=rng.randint(40, 500))
        began = recruited + timedelta(days=rng.randint(2, 20))
        values = {
            "id": case_id,
            "reference": self.reference(),
            "status": status,
            "organisation": organisation,
            "case_worker": worker,
            "opened": opened,
            "source": rng.choice(["hotline", "hotline", "walk_in", "referral", "screening"]),
            "country": country,
            "risk": rng.choices(["low", "medium", "high"], weights=[3, 5, 2])[0],
            "summary": "[demo] "
            + rng.choice(pattern["summaries"]).format(
                name="X",
                age=20,
                app="Facebook",
                town=town,
                country=country,
                province=province,
                people="Kinh",
                money=5000,
                debt=30,
                months=6,
                years=2,
                month="05/2025",
                group=12,
            ),
            "exploitation_types": codes(kinds),
            "created": created,
            "updated": created,
        }
        last = self.today
        if status in ("Closed", "ClosedReferred"):
            last = min(opened + timedelta(days=rng.randint(20, 400)), self.today)
            values["closed"] = last
            values["closure_reason"] = rng.choice(
                stories.CLOSED_REFERRED if status == "ClosedReferred" else stories.CLOSURES
            )
        tables["case"].add(values)

        first = None
        people = []
        for number in range(rng.choices([1, 2, 3], weights=[75, 20, 5])[0]):
            woman = rng.random() < pattern["women"]
            age = rng.randint(*pattern["ages"])
            person = self.person(
                organisation,
                woman,
                highland,
                recruited - timedelta(days=age * 365 + rng.randint(0, 364)),
                province,
                victim=True,
            )
            participant = self.uuid()
            first = first or participant
            people.append(person)
            tables["participant"].add(
                {
                    "id": participant,
                    "case": case_id,
                    "person": person,
                    "role": "victim",
                    "trafficking_status": rng.choice(
                        ["PossibleVictimOfTrafficking", "ActualVictimOfTrafficking"]
                    ),
                    "relationship_to_trafficker": rng.choice(["Acquainted", "Unaquainted"]),
                    "age_when_trafficked": age,
                    "recruitment_methods": codes([rng.choice(pattern["recruitment"])]),
                    "recruitment_apps": codes(rng.choice(pattern["apps"])),
                    "recruitment_country": "VN",
                    "recruitment_place": province,
                    "control_methods": codes(rng.sample(pattern["control"], 2)),
                    "exploitation_types": codes(kinds),
                    "industries": codes(pattern["industries"] if number == 0 else []),
                    "exploitation_country": country,
                    "exploitation_place": town,
                    "vulnerabilities": codes(rng.sample(pattern["vulnerabilities"], 1)),
                    "exploitation_began": began,
                    "exploitation_ended": max(began, opened - timedelta(days=rng.randint(0, 30))),
                    "registered": opened,
                    "created": created,
                }
            )
        if rng.random() < 0.3:
            person = self.person(organisation, False, highland, None, province, victim=False)
            tables["participant"].add(
                {
                    "id": self.uuid(),
                    "case": case_id,
                    "person": person,
                    "role": "perpetrator",
                    "roles_in_process": '["RecruiterOrIntermediary"]',
                    "role_details": "Dùng tài khoản Facebook giả.",
                    "created": created,
                }
            )

        for kind, day, where, description in (
            ("Recruitment", recruited, ("VN", province, ""), rng.choice(stories.RECRUITED)),
            ("Transit", recruited + timedelta(days=1), ("VN", "Tây Ninh", ""), stories.BY_ROAD),
            ("Exploitation", began, (country, region, town), ""),
        ):
            if kind == "Transit" and rng.random() < 0.4:
                continue
            tables["event"].add(
                {
                    "id": self.uuid(),
                    "case": case_id,
                    "participant": first,
                    "type": kind,
                    "date": day,
                    "country": where[0],
                    "state": where[1],
                    "city": where[2],
                    "description": description,
                    "created": created,
                }
            )
        for kind in rng.sample(pattern["support"], rng.randint(1, 2)):
            objectives, plan = stories.SERVICE_TEXTS[kind]
            done = opened + timedelta(days=rng.randint(20, 150))
            tables["service"].add(
                {
                    "id": self.uuid(),
                    "case": case_id,
                    "participant": first,
                    "type": kind,
                    "provider": organisation,
                    "objectives": objectives,
                    "action_plan": plan,
                    "planned_end": opened + timedelta(days=90),
                    "actual_end": done if done < last else None,
                    "outcome": "completed" if done < last else "in_progress",
                    "created": created,
                }
            )
        for person in people:
            given = rng.random() < 0.9
            for item in CONSENT_ITEMS:
                tables["consent"].add(
                    {
                        "id": self.uuid(),
                        "case": case_id,
                        "person": person,
                        "item": item,
                        "given": given or item in ("interview", "purpose"),
                        "information_version": "2024-01",
                        "recorded_by": worker,
                        "recorded_at": created,
                    }
                )
        if rng.random() < 0.6:
            tables["note"].add(
                {
                    "id": self.uuid(),
                    "case": case_id,
                    "author": worker,
                    "body": rng.choice(stories.NOTES),
                    "created": created + timedelta(days=rng.randint(1, 30)),
                }
            )
        for _ in range(rng.choices([0, 1, 2], weights=[60, 30, 10])[0]):
            due = opened + timedelta(days=rng.randint(3, 60))
            done = status in ("Closed", "ClosedReferred") or due < self.today - timedelta(days=60)
            tables["task"].add(
                {
                    "id": self.uuid(),
                    "case": case_id,
                    "title": rng.choice(stories.TASKS),
                    "due": due,
                    "assigned_to": worker,
                    "done_at": self.moment(min(due, self.today))
                    if done or rng.random() < 0.5
                    else None,
                    "created": created,
                }
            )
        if rng.random() < 0.06:
            self.referral(case_id, organisation, worker, created, status)

    def referral(self, case_id, organisation, worker, sent, status) -> None:
        rng = self.rng
        to = rng.choice(self.others)
        if to == organisation:
            return
        state = rng.choices(list(REFERRAL_STATES), weights=list(REFERRAL_STATES.values()))[0]
        if status not in ("Active", "FollowUp") and state == "pending":
            state = "completed"
        values = {
            "id": self.uuid(),
            "case": case_id,
            "from_organisation": organisation,
            "to_organisation": to,
            "reason": "AdditionalServicesRequired",
            "details": rng.choice(self.stories.REFERRAL_DETAILS).format(province="Nghệ An"),
            "sections": '["summary", "exploitation", "support"]',
            "state": state,
            "sent_by": worker,
            "sent_at": sent,
        }
        if state != "pending":
            values["responded_at"] = sent + timedelta(days=2)
        if state in ("accepted", "completed", "declined"):
            values["response_note"] = rng.choice(self.stories.ACCEPTS)
        if state == "completed":
            values["completed_at"] = sent + timedelta(days=60)
        if state == "revoked":
            values["revoked_at"] = sent + timedelta(days=3)
        self.tables["referral"].add(values)


def copy_batch(connection, batch) -> None:
    with connection.transaction(), connection.cursor() as cursor:
        for table, rows in batch:
            table.copy(cursor, rows)


def secondary_indexes(cursor) -> list[tuple[str, str]]:
    """The indexes of the loaded tables that no constraint needs: built after the load."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        [list(LOADED_TABLES)],
    )
    return cursor.fetchall()


def make_organisations(count: int):
    """Bench organisations with case workers, and the demo ones: [(org id, worker ids, share)]."""
    from django.contrib.auth.hashers import make_password

    from haven.accounts.models import Organisation, User
    from haven.accounts.roles import Role

    unusable = make_password(None)
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Bench organisation {number:02d}", org_type="NGO", country="VN")
        for number in range(1, ORGANISATIONS + 1)
    )
    members = []
    for organisation in organisations:
        for number in range(WORKERS_PER_ORGANISATION):
            members.append(
                User(
                    username=f"{organisation.name.split()[-1]}-worker-{number:02d}",
                    organisation=organisation,
                    role=Role.CASE_MANAGER if number % 3 == 0 else Role.FRONTLINE,
                    password=unusable,
                )
            )
    User.objects.bulk_create(members)
    workers = {}
    for user_id, organisation_id in User.objects.values_list("id", "organisation_id"):
        workers.setdefault(organisation_id, []).append(user_id.hex)
    demo = {o.name: o for o in Organisation.objects.filter(name__in=["Hotline VN", "Shelter HN"])}
    hotline, shelter = demo["Hotline VN"], demo["Shelter HN"]
    rest = count - count // 10 - count // 100
    owners = [(hotline.pk.hex, workers[hotline.pk], count // 10)]
    owners.append((shelter.pk.hex, workers[shelter.pk], count // 100))
    owners += [(o.pk.hex, workers[o.pk], rest / ORGANISATIONS) for o in organisations]
    return owners, hotline, organisations[0]


def load(count: int) -> dict:
    """Generate and COPY `count` cases; return the figures."""
    from django.db import connection
    from django.utils import timezone

    from haven.accounts.models import User
    from haven.cases import models

    for number in range(30):  # Hotline VN's team beyond alice and bob
        User.objects.create(
            username=f"hotline-worker-{number:02d}",
            organisation=User.objects.get(username="alice").organisation,
            role="frontline",
        )
    owners, hotline, measured = make_organisations(count)
    connection.ensure_connection()
    raw = connection.connection
    tables = {
        "case": Table(models.Case, connection),
        "person": Table(models.Person, connection),
        "participant": Table(models.Participant, connection),
        "event": Table(models.TraffickingEvent, connection),
        "service": Table(models.SupportService, connection),
        "consent": Table(models.Consent, connection),
        "note": Table(models.Note, connection),
        "task": Table(models.Task, connection),
        "referral": Table(models.Referral, connection),
    }
    generator = Generator(tables, owners, hotline, random.Random(SEED), timezone.localdate())
    started = time.perf_counter()
    with raw.cursor() as cursor:
        indexes = secondary_indexes(cursor)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        # Foreign keys are right by construction; checking each of ~20 million would double
        # the load. (Needs a superuser, as the test database does.)
        cursor.execute("SET session_replication_role = replica")
        generating = waiting = 0.0
        # PostgreSQL takes in one batch while Python builds the next.
        with ThreadPoolExecutor(max_workers=1) as copier:
            copying = None
            for start in range(0, count, BATCH):
                began = time.perf_counter()
                for _ in range(min(BATCH, count - start)):
                    generator.case()
                batch = [(table, table.take()) for table in tables.values()]
                middle = time.perf_counter()
                if copying is not None:
                    copying.result()
                copying = copier.submit(copy_batch, raw, batch)
                generating += middle - began
                waiting += time.perf_counter() - middle
                done = start + BATCH
                if done % 100_000 == 0:
                    rate = done / (time.perf_counter() - started)
                    print(f"  {done:>9,} cases loaded, {rate:,.0f} cases/s", flush=True)
            began = time.perf_counter()
            copying.result()
            waiting += time.perf_counter() - began
        cursor.execute("SET session_replication_role = DEFAULT")
        loaded = time.perf_counter()
        for _, definition in indexes:
            cursor.execute(definition)
        indexed = time.perf_counter()
        # As autovacuum would in time: statistics, and the visibility map index-only scans need.
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(LOADED_TABLES)}")
        analysed = time.perf_counter()
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    rows = sum(table.total for table in tables.values())
    return {
        "cases": count,
        "rows": rows,
        "tables": {name: table.total for name, table in tables.items()},
        "generating": generating,
        "waiting": waiting,
        "loading": loaded - started,
        "indexing": indexed - loaded,
        "indexes": len(indexes),
        "analysing": analysed - indexed,
        "total": analysed - started,
        "size": size,
        "hotline": hotline,
        "measured": measured,
    }


# Measuring -------------------------------------------------------------------------------------


def signed_in_client(user):
    """A test client past password and second factor, as haven/conftest.py's sign_in."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def time_pages(client, paths: list[str], rounds: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {path: [] for path in paths}
    for path in paths:  # warm-up: compiled templates, connection, first plans
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    for _ in range(rounds):
        for path in paths:
            began = time.perf_counter()
            response = client.get(path)
            timings[path].append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (path, response.status_code)
    return timings


def line(label: str, values: list[float]) -> str:
    return (
        f"  {label:<58} p50 {statistics.median(values):7.1f} ms  "
        f"p95 {percentile(values, 0.95):7.1f} ms  max {max(values):7.1f} ms"
    )


def list_paths(user, today: date) -> list[tuple[str, str]]:
    from haven.cases.models import Case

    case = Case.objects.filter(organisation=user.organisation_id).order_by("created").first()
    year_ago = (today - timedelta(days=365)).isoformat()
    base = "/en/staff/cases/"
    return [
        ("open cases of my organisation (the default)", base),
        ("status=Closed", f"{base}?status=Closed"),
        ("status=all, page 40", f"{base}?status=all&page=40"),
        ("kind=ForcedMarriage", f"{base}?kind=ForcedMarriage"),
        ("country=KH", f"{base}?country=KH"),
        ("risk=high", f"{base}?risk=high"),
        ("opened in the last year", f"{base}?status=all&opened_from={year_ago}"),
        ("opened 2019", f"{base}?status=all&opened_from=2019-01-01&opened_to=2019-12-31"),
        ("q=reference", f"{base}?status=all&q={case.reference}"),
        ("scope=mine", f"{base}?scope=mine"),
        ("scope=referred", f"{base}?scope=referred&status=all"),
        (
            "status=Active, kind, country, risk together",
            f"{base}?status=Active&kind=ForcedLabour&country=KH&risk=high",
        ),
        ("overdue tasks of my organisation", "/en/staff/cases/tasks/"),
        ("my overdue tasks", "/en/staff/cases/tasks/?scope=mine"),
    ]


def explain(user, paths) -> None:
    from django.http import QueryDict
    from django.utils import timezone

    from haven.cases.models import Task
    from haven.cases.selectors import LIST_COLUMNS, filter_cases

    for label, path in paths:
        if "/tasks/" in path:
            tasks = Task.objects.filter(
                case__organisation=user.organisation_id,
                done_at__isnull=True,
                due__lt=timezone.localdate(),
            )
            if "mine" in path:
                tasks = tasks.filter(assigned_to=user)
            query = tasks.select_related("case", "assigned_to").order_by("due")[:50]
        else:
            params = QueryDict(path.partition("?")[2])
            query = filter_cases(params, user)
            query = query.select_related("organisation", "case_worker").only(*LIST_COLUMNS)
            page = max(int(params.get("page", 1)), 1)
            query = query.order_by("-opened", "-created")[(page - 1) * 25 : page * 25]
        print(f"\n-- {label}: {path}")
        print(query.explain(analyze=True, buffers=True))


def add_history(case_ids, actor) -> None:
    """Cases made through the services have a few dozen history rows: give the sample theirs."""
    from haven.cases.models import Change

    rows = [
        Change(
            case_id=case_id,
            actor=actor,
            section="case",
            object_id=str(case_id),
            field=f"field_{number}",
            old="",
            new=f"value {number}",
        )
        for case_id in case_ids
        for number in range(40)
    ]
    Change.objects.bulk_create(rows, batch_size=2000)


def measure(figures: dict, rounds: int, pages: int, show_plans: bool) -> None:
    from django.utils import timezone

    from haven.accounts.models import User
    from haven.cases.models import Case

    today = timezone.localdate()
    organisation = figures["measured"]
    user = User.objects.get(username=f"{organisation.name.split()[-1]}-worker-00")
    own = Case.objects.filter(organisation=organisation).count()
    mine = Case.objects.filter(case_worker=user).count()
    client = signed_in_client(user)
    paths = list_paths(user, today)
    print(
        f"\nSigned in as a case manager of {organisation.name} ({own:,} cases, "
        f"{mine:,} of them theirs); {rounds} rounds after a warm-up:"
    )
    timings = time_pages(client, [path for _, path in paths], rounds)
    every = []
    for label, path in paths:
        print(line(label, timings[path]))
        if "/tasks/" not in path:
            every += timings[path]
    print(line("all case list requests", every))

    sample = list(
        Case.objects.filter(organisation=organisation)
        .order_by("?")
        .values_list("id", flat=True)[:pages]
    )
    add_history(sample, user)
    case_paths = [f"/en/staff/cases/{case_id}/" for case_id in sample]
    first = []
    for path in case_paths:  # the first view of each: nothing of it in the cache yet
        began = time.perf_counter()
        assert client.get(path).status_code == 200
        first.append((time.perf_counter() - began) * 1000)
    again = time_pages(client, case_paths, 2)
    print(line(f"case page, first view ({len(sample)} cases)", first))
    print(line("case page, viewed again", [value for values in again.values() for value in values]))

    export(figures["hotline"])
    if show_plans:
        explain(user, paths)


COPY_ROWS = """
    SELECT c.*, pa.*, pe.*
    FROM cases_case c
    LEFT JOIN cases_participant pa ON pa.case_id = c.id AND pa.role = 'victim'
    LEFT JOIN cases_person pe ON pe.id = pa.person_id
    {where}
    ORDER BY c.opened, c.created, c.id
"""


def server_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend, when it runs on this
    machine (its /proc entry); 0 on SQLite, whose work is done in this process."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")  # a server elsewhere: its CPU is not seen from here
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def copy_rate(organisation) -> tuple[float, float | None, int]:
    """Wall seconds, CPU seconds (None: the server's) and bytes for the engine's own CSV of the
    same rows: each case with its victims and their people, every column, still encrypted.
    PostgreSQL's COPY ... TO STDOUT; on SQLite, the sqlite3 shell's -csv output."""
    from django.db import connection

    where = "" if organisation is None else "WHERE c.organisation_id = %s"
    query = COPY_ROWS.format(where=where)
    if organisation is not None:
        key = organisation.pk.hex if connection.vendor == "sqlite" else organisation.pk
        query = query.replace("%s", f"'{key}'")  # a UUID: nothing to escape
    if connection.vendor == "sqlite":
        import cases_sqlite

        return cases_sqlite.shell_rate(connection.settings_dict["NAME"], query)
    size = 0
    server = server_cpu()
    began = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as copy,
    ):
        for block in copy:
            size += len(block)
    elapsed = time.perf_counter() - began
    return elapsed, server_cpu() - server, size


def export(organisation) -> None:
    """The HTCDS CSV export of `cases`, streamed, beside COPY of the same rows."""
    import resource

    from django.db import connection

    from haven.exchange.export import cases_for_export, export_csv

    cases = cases_for_export(organisation)
    label = "every organisation" if organisation is None else organisation.name
    count = cases.count()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    server = server_cpu()
    began, cpu = time.perf_counter(), time.process_time()
    size = lines = 0
    for piece in export_csv(cases):
        size += len(piece.encode())
        lines += piece.count("\n")
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    server = server_cpu() - server  # the database's share, on PostgreSQL
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1024
    load = os.getloadavg()[0]
    copied, copy_cpu, copy_size = copy_rate(organisation)
    reference = (
        "sqlite3 -csv (the shell) of the same rows (encrypted)"
        if connection.vendor == "sqlite"
        else "PostgreSQL COPY of the same rows (encrypted, TO STDOUT csv)"
    )
    # CPU: this process plus, on PostgreSQL, its backend; the reference's is all the engine's.
    total = cpu + server
    reference_cpu = f" ({count / copy_cpu:,.0f}/s of its CPU time)"
    ratio_cpu = f", CPU {copy_cpu / total:.2f}"
    database = f", {count / total:,.0f}/s with its backend's" if server else ""
    print(
        f"\nHTCDS CSV export of {count:,} cases ({label}): {elapsed:.1f} s = "
        f"{count / elapsed:,.0f} cases/s ({count / cpu:,.0f}/s of this process's CPU time"
        f"{database}); {lines:,} lines, {size / 1e6:.0f} MB; peak memory "
        f"grew {grown:,.0f} MB; load {load:.1f}\n"
        f"{reference}: {copied:.1f} s = "
        f"{count / copied:,.0f} cases/s{reference_cpu}, {copy_size / 1e6:.0f} MB; "
        f"export/reference wall {copied / elapsed:.2f}{ratio_cpu}",
        flush=True,
    )


# Process ---------------------------------------------------------------------------------------


def run(arguments) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from haven.accounts.models import Organisation
    from haven.demo.personas import create_demo_data

    # Load every page's code now: others edit the tree while the load runs for half an hour.
    # (The case page imports the screening modules late.)
    for module in (settings.ROOT_URLCONF, *(f"haven.screening.{name}" for name in LATE)):
        importlib.import_module(module)
    # No setup_test_environment(): its template instrumentation would be timed too.
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    load_average = os.getloadavg()
    engine = "SQLite" if arguments.engine == "sqlite" else "PostgreSQL"
    print(f"{engine}; machine load {load_average[0]:.1f} on {os.cpu_count()} CPUs at the start")
    if arguments.engine == "sqlite":
        import cases_sqlite

        create_demo_data(lambda username: secrets.token_urlsafe(16))
        figures = cases_sqlite.load(arguments.cases, sys.modules[__name__])
        print(
            f"Generated {figures['cases']:,} cases = {figures['rows']:,} rows in "
            f"{figures['total']:.0f} s"
        )
    elif arguments.reuse:
        figures = {
            "hotline": Organisation.objects.get(name="Hotline VN"),
            "measured": Organisation.objects.get(name="Bench organisation 01"),
        }
    else:
        create_demo_data(lambda username: secrets.token_urlsafe(16))
        figures = load(arguments.cases)
        tables = ", ".join(f"{name} {total:,}" for name, total in figures["tables"].items())
        print(
            f"Generated {figures['cases']:,} cases = {figures['rows']:,} rows in "
            f"{figures['total']:.0f} s: {figures['cases'] / figures['total']:,.0f} cases/s, "
            f"{figures['rows'] / figures['total']:,.0f} rows/s\n"
            f"  generating in Python {figures['generating']:.0f} s, waiting for COPY "
            f"{figures['waiting']:.0f} s, "
            f"{figures['indexes']} secondary indexes built in {figures['indexing']:.0f} s, "
            f"VACUUM ANALYZE {figures['analysing']:.0f} s; database {figures['size'] / 1e9:.1f} GB\n"
            f"  rows: {tables}"
        )
    if arguments.export_only:
        export(None)
    else:
        measure(figures, arguments.rounds, arguments.pages, arguments.explain)
    load_average = os.getloadavg()
    print(f"\nMachine load {load_average[0]:.1f} at the end (other work shares these CPUs).")


def environment(data_dir: str, encryption_keys: str, database: str = BENCH_DATABASE) -> dict:
    """Production settings (DEBUG off) against the benchmark's database."""
    base = {key: value for key, value in os.environ.items() if not key.startswith("HAVEN_")}
    base.update(
        DJANGO_SETTINGS_MODULE="haven.settings",
        HAVEN_DEBUG="false",
        HAVEN_HTTPS="false",
        HAVEN_SECRET_KEY=secrets.token_urlsafe(50),
        HAVEN_ENCRYPTION_KEYS=encryption_keys,
        HAVEN_RECEIPT_SALT=secrets.token_hex(32),
        HAVEN_AUDIT_KEY="bench:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        HAVEN_ALLOWED_HOSTS="testserver",
        HAVEN_DATABASE_URL=database,
        HAVEN_LOG_LEVEL="WARNING",
        HAVEN_SMTP_HOST="",
        HAVEN_DATA_DIR=data_dir,
    )
    return base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=40, help="timed requests per list page")
    parser.add_argument("--pages", type=int, default=100, help="case pages to open")
    parser.add_argument(
        "--keep", action="store_true", help=f"keep the {DATABASE_NAME} database (key in {KEY_FILE})"
    )
    parser.add_argument("--reuse", action="store_true", help="measure the kept database again")
    parser.add_argument("--explain", action="store_true", help="print the list query plans")
    parser.add_argument(
        "--export-only",
        action="store_true",
        help="only time the HTCDS CSV export of every case, beside COPY of the same rows",
    )
    parser.add_argument(
        "--engine",
        choices=("postgresql", "sqlite"),
        default="postgresql",
        help="sqlite: a throw-away SQLite file, with --export-only (the pages need PostgreSQL)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        run(arguments)
        return
    if arguments.engine == "sqlite":
        if not arguments.export_only or arguments.keep or arguments.reuse:
            parser.error("--engine sqlite goes with --export-only, without --keep or --reuse")
        encryption_keys = "bench:" + base64.b64encode(secrets.token_bytes(32)).decode()
        with tempfile.TemporaryDirectory(prefix="haven-bench-cases-") as folder:
            env = environment(folder, encryption_keys, f"sqlite:///{folder}/bench.sqlite3")
            subprocess.run(
                [sys.executable, __file__, "--child", *sys.argv[1:]], env=env, check=True, cwd=ROOT
            )
        return
    import psycopg

    keep = arguments.keep or arguments.reuse
    if arguments.reuse:
        encryption_keys = KEY_FILE.read_text().strip()
    else:
        encryption_keys = "bench:" + base64.b64encode(secrets.token_bytes(32)).decode()
        with psycopg.connect(SERVER, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {DATABASE_NAME}")
            connection.execute(f"CREATE DATABASE {DATABASE_NAME}")
        if keep:  # written first: without the key, a kept database cannot be read
            KEY_FILE.parent.mkdir(exist_ok=True)
            KEY_FILE.touch(mode=0o600)
            KEY_FILE.write_text(encryption_keys + "\n")
    try:
        with tempfile.TemporaryDirectory(prefix="haven-bench-cases-") as folder:
            env = environment(folder, encryption_keys)
            subprocess.run(
                [sys.executable, __file__, "--child", *sys.argv[1:]], env=env, check=True, cwd=ROOT
            )
    finally:
        if keep:
            print(f"Kept {DATABASE_NAME}; its encryption key is in {KEY_FILE}.")
        else:
            with psycopg.connect(SERVER, autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {DATABASE_NAME}")


if __name__ == "__main__":
    main()
