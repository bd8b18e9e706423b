"""Precision and recall of the job-offer check's "high" level on Haven's own job texts.

Run with `make bench` or `python bench/jobcheck.py`. The texts (haven/screening/tests/
job_texts.yaml) were written for Haven, Vietnamese and English, scams and honest offers; the
rules were written alongside them, so the figures are in-sample: read them as a floor that a
change to the rules must keep, not as the accuracy on advertisements Haven has never seen.
"""

import os
import sys
import time
from pathlib import Path


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("HAVEN_DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    import django

    django.setup()
    from haven.screening.joboffers import check_job_offer
    from haven.screening.tests.jobtexts import corpus, job_texts, measure

    for name in ("dev", "held-out"):
        for language in ("vi", "en", "th", "id", None):
            chosen = [t for t in corpus(name) if language is None or t["lang"] == language]
            figures = measure(chosen)
            print(
                f"corpus {name:<8} {language or 'all':<4} texts {figures.texts:>3}  "
                f"high: precision {figures.precision:.2f}  recall {figures.recall:.2f} "
                f"({figures.true_positives}/{figures.scams})"
            )
    texts = job_texts()
    for language in ("vi", "en", None):
        chosen = [t for t in texts if language is None or t["lang"] == language]
        figures = measure(chosen)
        name = language or "all"
        print(
            f"{name:<4} texts {figures.texts:>3}  scams {figures.scams:>3}  "
            f"high: precision {figures.precision:.2f} ({figures.true_positives}/"
            f"{figures.true_positives + figures.false_positives})  "
            f"recall {figures.recall:.2f} ({figures.true_positives}/{figures.scams})"
        )
    figures = measure(texts)
    print(
        "levels (kind, risk): "
        + ", ".join(f"{k[0]} {k[1]} {v}" for k, v in sorted(figures.levels.items()))
    )
    print(f"scams not rated high: {', '.join(figures.misses) or 'none'}")
    print(f"honest offers rated high: {', '.join(figures.false_alarms) or 'none'}")
    start = time.perf_counter()
    rounds = 20
    for _ in range(rounds):
        for item in texts:
            check_job_offer(item["text"], item["lang"], rule_languages=("vi", "en", "th", "id"))
    per_text = (time.perf_counter() - start) / (rounds * len(texts)) * 1000
    print(f"time per text, the four rules files (as the page runs them): {per_text:.2f} ms")


if __name__ == "__main__":
    main()
