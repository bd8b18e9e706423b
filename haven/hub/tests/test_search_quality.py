"""Search quality per language on the sets in quality/<lang>.yaml, over the real content.

Each query names the slug(s) of which one must be among the top 3 results (a help-line page's
slug is its country code). The sets were written before any tuning. Run with `-s` to see the
figures: `pytest -s -p no:xdist haven/hub/tests/test_search_quality.py`.
"""

from pathlib import Path

import pytest
import yaml

from haven.hub.search import search

QUALITY = Path(__file__).with_name("quality")
LANGUAGES = ("vi", "en", "th", "km", "lo", "my", "id", "ms", "fil")
TOP = 3
# The share of each set that must find an expected document in the top 3.
THRESHOLDS = {language: 0.95 for language in LANGUAGES}


def load_set(language: str) -> list[dict]:
    data = yaml.safe_load((QUALITY / f"{language}.yaml").read_text(encoding="utf-8"))
    assert data["language"] == language
    return data["queries"]


def misses(language: str) -> tuple[list[str], int]:
    """The queries of the set whose top 3 holds none of their expected slugs, and the set's size."""
    queries = load_set(language)
    missed = []
    for item in queries:
        found = [result.slug for result in search(item["q"], language, limit=TOP).results]
        if not set(found[:TOP]) & set(item["expect"]):
            missed.append(f"{item['q']!r} -> {found[:TOP]} (expected {item['expect']})")
    return missed, len(queries)


def test_every_set_has_at_least_15_queries():
    for language in LANGUAGES:
        queries = load_set(language)
        assert len(queries) >= 15, language
        assert all(item["q"].strip() and item["expect"] for item in queries), language


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_reaches_its_threshold(language):
    missed, size = misses(language)
    share = (size - len(missed)) / size
    print(
        f"\nsearch quality {language}: {size - len(missed)}/{size} = {share:.0%} in the top {TOP}"
    )
    for line in missed:
        print(f"  miss {line}")
    assert share >= THRESHOLDS[language], "\n".join(missed)
