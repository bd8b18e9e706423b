"""The job texts of job_texts.yaml, and precision and recall of the "high" level on them."""

from dataclasses import dataclass
from pathlib import Path

import yaml

from haven.screening.joboffers import check_job_offer

FIXTURES = Path(__file__).with_name("job_texts.yaml")
CORPUS = Path(__file__).resolve().parents[3] / "content" / "screening" / "job-offer-corpus"
CORPUS_SETS = ("dev", "held-out")


def job_texts() -> list[dict]:
    return yaml.safe_load(FIXTURES.read_text(encoding="utf-8"))["texts"]


def corpus(name: str) -> list[dict]:
    """The development set (tune on it) or the held-out set (only ever measure on it)."""
    if name not in CORPUS_SETS:
        raise ValueError(f"no corpus set {name!r}")
    return yaml.safe_load((CORPUS / f"{name}.yaml").read_text(encoding="utf-8"))["texts"]


@dataclass
class Figures:
    texts: int
    scams: int
    true_positives: int
    false_positives: int
    false_negatives: int
    levels: dict  # (scam, risk) -> count
    misses: list  # ids of scams not rated high
    false_alarms: list  # ids of honest offers rated high

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.scams if self.scams else 1.0


def measure(texts: list[dict] | None = None) -> Figures:
    """Each text is checked with the rules of its own language, as the API does."""
    texts = texts if texts is not None else job_texts()
    figures = Figures(len(texts), 0, 0, 0, 0, {}, [], [])
    for item in texts:
        risk = check_job_offer(item["text"], item["lang"]).risk
        key = ("scam" if item["scam"] else "honest", risk)
        figures.levels[key] = figures.levels.get(key, 0) + 1
        figures.scams += item["scam"]
        if risk == "high" and item["scam"]:
            figures.true_positives += 1
        elif risk == "high":
            figures.false_positives += 1
            figures.false_alarms.append(item["id"])
        elif item["scam"]:
            figures.false_negatives += 1
            figures.misses.append(item["id"])
    return figures
