"""Sources of statistics and their records: imported CTDC files, and a projection of the cases.

A record is one victim, with a source's variables in generic columns (`c0`..`c11` for
categories, one bit each in `flags` for yes/no variables, see `haven.stats.variables`). The
`cases` source is rebuilt from structured case fields only (never names, contacts, birth
dates or free text) by `haven.stats.projection`; its rows go at the first refresh after their
case goes.
"""

import uuid
from datetime import date

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Organisation

CASES = "cases"  # the reserved name of the source built from Haven's own cases
SLOTS = tuple(f"c{index}" for index in range(12))


class Format(models.TextChoices):
    CASES = "cases", _("Haven cases")
    VICTIM_PERPETRATOR = "vp", _("CTDC victim-perpetrator synthetic data set")
    SYNTHETIC = "synthetic", _("CTDC global synthetic data set")
    KANON = "kanon", _("CTDC global k-anonymised data set")


class Source(models.Model):
    name = models.SlugField(_("name"), max_length=40, unique=True)
    format = models.CharField(_("format"), max_length=12, choices=Format.choices)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_loaded = models.PositiveIntegerField(default=0)
    rows_refused = models.PositiveIntegerField(default=0)
    refusals = models.JSONField(default=dict, blank=True)  # {reason: count}
    # What the data looked like when the records were last built; a change means rebuild.
    fingerprint = models.CharField(max_length=200, blank=True)
    tallied = models.JSONField(default=list, blank=True)  # figures kept in Tally rows
    version = models.PositiveIntegerField(default=0)  # bumped on every change of the records
    loaded_at = models.DateTimeField(default=timezone.now)
    # An imported open data set shown to the public (API without a token, the public page).
    # Haven's own cases are always published, through their own rules (see figures.py).
    published = models.BooleanField(_("published"), default=False)
    # Slice rows are kept (Haven's own cases, once built with them).
    sliced = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("statistics source")
        verbose_name_plural = _("statistics sources")

    def __str__(self) -> str:
        return self.name

    @property
    def title(self) -> str:
        """The source as a reader knows it: its kind in their language, and its name."""
        if self.name == CASES:
            return str(Format.CASES.label)
        return f"{self.get_format_display()} ({self.name})"


class Tally(models.Model):
    """A count kept up to date as the records change: one cell of a figure without filters.

    `first` and `second` are the values of the figure's variables; both empty is the figure's
    denominator. `published` tallies leave out research refusals. See `haven.stats.tallies`.
    """

    id = models.BigAutoField(primary_key=True)
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="tallies")
    published = models.BooleanField()
    by = models.CharField(max_length=100)
    first = models.CharField(max_length=48, blank=True)
    second = models.CharField(max_length=48, blank=True)
    count = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "published", "by", "first", "second"], name="one_tally_per_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.by}={self.first},{self.second}: {self.count}"


class Slice(models.Model):
    """A kept count of one cell for one organisation, one month and one research answer.

    The `cases` source keeps these beside its `Tally` rows, moved in the same transaction as
    its records: a figure limited to some organisations or to whole months sums a few of them
    instead of counting records (`haven.stats.slices`). `refused` records are left out of
    published figures. `organisation` and `month` are empty where the records' are.
    """

    id = models.BigAutoField(primary_key=True)
    # No index of their own on the keys: the one below starts with the source, and every index
    # is paid on each write. Deleting an organisation deletes its records (a cascade) and its
    # slices with them.
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="slices", db_index=False
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, related_name="+", db_index=False
    )
    month = models.DateField(null=True)  # the first day of the month of `registered`
    refused = models.BooleanField()
    by = models.CharField(max_length=100)
    first = models.CharField(max_length=48, blank=True)
    second = models.CharField(max_length=48, blank=True)
    count = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["source", "by", "organisation", "month"])]

    def __str__(self) -> str:
        return f"{self.by}={self.first},{self.second} {self.organisation_id} {self.month}: {self.count}"


def _slot():
    # NULL is "no information", which CTDC's denominators must tell apart from any value.
    return models.CharField(max_length=48, null=True)


class Record(models.Model):
    id = models.BigAutoField(primary_key=True)
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="records")
    c0 = _slot()
    c1 = _slot()
    c2 = _slot()
    c3 = _slot()
    c4 = _slot()
    c5 = _slot()
    c6 = _slot()
    c7 = _slot()
    c8 = _slot()
    c9 = _slot()
    c10 = _slot()
    c11 = _slot()
    flags = models.BigIntegerField(default=0)  # bit set: the answer is yes
    known = models.BigIntegerField(default=0)  # bit set: the question was answered (yes or no)
    # Cases only: what staff filter on, and what publication leaves out.
    # A deleted case leaves its records without a case until the next refresh takes them out
    # of the tallies and deletes them (a cascade would skip the tallies).
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, related_name="+"
    )
    registered = models.DateField(null=True)
    research_refused = models.BooleanField(default=False)

    class Meta:
        # Figures by organisation and time are read from `Slice` rows, not counted here: one
        # index for the edges of a date range (docs/stats.md, "Benchmark": an index per slot
        # made every write twenty times dearer for less).
        indexes = [models.Index(fields=["source", "registered"])]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.pk}"


COLUMNS = ("source_id", *SLOTS, "flags", "known", "case_id", "organisation_id", "registered",
           "research_refused")  # fmt: skip


def write_records(rows: list[tuple]) -> None:
    """Insert records given as tuples in COLUMNS order: far faster than model instances.

    PostgreSQL takes them through COPY; SQLite through one prepared statement.
    """
    if not rows:
        return
    table = Record._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            # Table and column names are constants of this module; values go as parameters.
            insert = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(insert, [tuple(map(_sqlite_value, row)) for row in rows])


def _sqlite_value(value):
    """As Django stores them in SQLite: UUIDs as 32 hex digits, dates in ISO format."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, date):
        return value.isoformat()
    return value


class ProjectedCase(models.Model):
    """A case as it was when its records were last built: `updated` differs, build again."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    updated = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.case_id} at {self.updated}"
