"""Load the instruments and their commitments from content/commitments/*.yaml (idempotent)."""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction

from haven.participation.models import Area, Commitment, Instrument


class CommitmentsError(Exception):
    pass


@dataclass
class LoadReport:
    instruments: int = 0
    created: int = 0
    updated: int = 0


def _texts(data: dict, key: str, where: str) -> dict:
    value = data.get(key) or {}
    if not isinstance(value, dict) or not value.get("en"):
        raise CommitmentsError(f"{where}: '{key}' needs at least an English text ('en')")
    return {f"{key}_en": str(value["en"]).strip(), f"{key}_vi": str(value.get("vi", "")).strip()}


def _commitment(instrument: Instrument, item: dict, position: int, where: str) -> bool:
    code = item.get("code")
    if not code:
        raise CommitmentsError(f"{where}: a commitment has no 'code'")
    area = item.get("area", "")
    if area and area not in Area.values:
        raise CommitmentsError(f"{where}: {code}: unknown area '{area}'")
    fields = {
        "instrument": instrument,
        "reference": str(item.get("reference", "")),
        "area": area,
        "responsible_body": str(item.get("responsible_body", "")),
        "verified": bool(item.get("verified", True)),
        "position": position,
        **_texts(item, "title", f"{where}: {code}"),
        **_texts(item, "summary", f"{where}: {code}"),
    }
    # The lead organisation is set on Haven, not in the file: loading again keeps it.
    _, created = Commitment.objects.update_or_create(code=code, defaults=fields)
    return created


@transaction.atomic
def load_commitments(folder: Path) -> LoadReport:
    report = LoadReport()
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise CommitmentsError(f"{path.name}: not valid YAML ({error})") from None
        if not data.get("slug"):
            raise CommitmentsError(f"{path.name}: no 'slug'")
        instrument, _ = Instrument.objects.update_or_create(
            slug=data["slug"],
            defaults={
                "adopted": data.get("adopted"),
                "sources": list(data.get("sources") or []),
                "position": int(data.get("position", 0)),
                **_texts(data, "name", path.name),
                **_texts(data, "summary", path.name),
            },
        )
        report.instruments += 1
        for position, item in enumerate(data.get("commitments") or [], start=1):
            if _commitment(instrument, item, position, path.name):
                report.created += 1
            else:
                report.updated += 1
    return report
