"""Load the instruments and their commitments from content/commitments/*.yaml, and the meetings
and their recommendations from content/commitments/meetings/*.yaml (idempotent)."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.db import transaction

from haven.lib.vocabulary import ASEAN
from haven.participation.models import (
    Area,
    Commitment,
    Indicator,
    Instrument,
    Meeting,
    Recommendation,
)


class CommitmentsError(Exception):
    pass


@dataclass
class LoadReport:
    instruments: int = 0
    created: int = 0
    updated: int = 0
    meetings: int = 0


def _texts(data: dict, key: str, where: str) -> dict:
    value = data.get(key) or {}
    if not isinstance(value, dict) or not value.get("en"):
        raise CommitmentsError(f"{where}: '{key}' needs at least an English text ('en')")
    return {f"{key}_en": str(value["en"]).strip(), f"{key}_vi": str(value.get("vi", "")).strip()}


def _number(value, where: str):
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise CommitmentsError(f"{where}: '{value}' is not a number") from None
    if not number.is_finite():
        raise CommitmentsError(f"{where}: '{value}' is not a number")
    return number


def _indicators(commitment: Commitment, items, where: str) -> None:
    for position, item in enumerate(items or [], start=1):
        code = (item or {}).get("code")
        if not code:
            raise CommitmentsError(f"{where}: an indicator has no 'code'")
        here = f"{where}: {code}"
        unit = _texts(item, "unit", here)
        Indicator.objects.update_or_create(
            commitment=commitment,
            code=code,
            defaults={
                **_texts(item, "name", here),
                **unit,
                "baseline": _number(item.get("baseline"), f"{here}: baseline"),
                "target": _number(item.get("target"), f"{here}: target"),
                "position": position,
            },
        )


def _commitment(
    instrument: Instrument, item: dict, position: int, where: str, recommendation=None
) -> bool:
    code = item.get("code")
    if not code:
        raise CommitmentsError(f"{where}: a commitment has no 'code'")
    area = item.get("area", "")
    if area and area not in Area.values:
        raise CommitmentsError(f"{where}: {code}: unknown area '{area}'")
    country = str(item.get("country", "") or "").upper()
    if country and country not in ASEAN:
        raise CommitmentsError(f"{where}: {code}: unknown country '{country}'")
    fields = {
        "country": country,
        "recommendation": recommendation,
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
    commitment, created = Commitment.objects.update_or_create(code=code, defaults=fields)
    _indicators(commitment, item.get("indicators"), f"{where}: {code}")
    return created


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise CommitmentsError(f"{path.name}: not valid YAML ({error})") from None
    if not data.get("slug"):
        raise CommitmentsError(f"{path.name}: no 'slug'")
    return data


def _meeting(path: Path, report: LoadReport) -> None:
    """A meeting, its recommendations (each serving instrument articles, i.e. commitments) and
    the actions that follow them, which are commitments under an instrument like any other."""
    data = _read(path)
    meeting, _ = Meeting.objects.update_or_create(
        slug=data["slug"],
        defaults={
            "held": data.get("held"),
            "fictional": bool(data.get("fictional", False)),
            "sources": list(data.get("sources") or []),
            **_texts(data, "name", path.name),
            **_texts(data, "summary", path.name),
            "place_en": str((data.get("place") or {}).get("en", "")),
            "place_vi": str((data.get("place") or {}).get("vi", "")),
        },
    )
    report.meetings += 1
    for position, item in enumerate(data.get("recommendations") or [], start=1):
        code = item.get("code")
        if not code:
            raise CommitmentsError(f"{path.name}: a recommendation has no 'code'")
        texts = _texts(item, "text", f"{path.name}: {code}")
        recommendation, _ = Recommendation.objects.update_or_create(
            code=code, defaults={"meeting": meeting, "position": position, **texts}
        )
        serves = list(item.get("serves") or [])
        found = list(Commitment.objects.filter(code__in=serves))
        missing = sorted(set(serves) - {c.code for c in found})
        if missing:
            raise CommitmentsError(f"{path.name}: {code}: unknown articles {', '.join(missing)}")
        recommendation.serves.set(found)
        for number, action in enumerate(item.get("actions") or [], start=1):
            instrument = Instrument.objects.filter(slug=action.get("instrument")).first()
            if instrument is None:
                raise CommitmentsError(f"{path.name}: {code}: an action needs a known 'instrument'")
            where = f"{path.name}: {code}"
            if _commitment(instrument, action, 100 + number, where, recommendation):
                report.created += 1
            else:
                report.updated += 1


@transaction.atomic
def load_commitments(folder: Path, meetings: Path | None = None) -> LoadReport:
    """The instruments in folder/*.yaml, then the meetings in folder/meetings/*.yaml (and in
    `meetings`, another folder, such as the demo's)."""
    report = LoadReport()
    for path in sorted(folder.glob("*.yaml")):
        data = _read(path)
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
    for where in [folder / "meetings", meetings]:
        for path in sorted(where.glob("*.yaml")) if where and where.is_dir() else []:
            _meeting(path, report)
    return report
