"""The HTCDS CSV export as it was before haven.exchange.csv_export (issue 19), kept verbatim (with
export.py's CsvPlan and csv_rows) as the oracle of test_csv_golden.py: the fast path must give
the same bytes.

It reads through Django's named rows and field converters (decrypting one value at a time) and
guards every cell with `SafeWriter`; the helpers it shares with the JSON export come from
haven.exchange.export.
"""

import io
from collections.abc import Iterator

from haven.cases.models import Participant, ParticipantRole
from haven.exchange.export import (
    CHUNK_SIZE,
    CsvPlan,
    _by_case,
    _chunks,
    _consents,
    _referrals,
    csv_columns,
    csv_rows,
)
from haven.lib.spreadsheets import SafeWriter


def export_csv(cases, *, extended: bool = False, chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    plan = CsvPlan(csv_columns(extended))
    victims_of = Participant.objects.filter(role=ParticipantRole.VICTIM).order_by("created", "pk")
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow([column.name for column in plan.columns])
    for chunk in _chunks(cases, plan.case_fields, chunk_size):
        ids = [case.id for case in chunk]
        victims = _by_case(victims_of, ids, plan.victim_fields)
        consents = _consents(ids, ("person_id", "item", "given", "recorded_at"))
        referrals = _referrals(ids)
        for case in chunk:
            writer.writerows(
                csv_rows(case, plan, victims.get(case.id), consents[case.id], referrals[case.id])
            )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
