"""Search quality per language on the sets in quality/<lang>.yaml, over the real content.

Each query names the slug(s) of which one must be among the top 3 results (a help-line page's
slug is its country code). The sets were written before any tuning. Run with `-s` to see the
figures: `pytest -s -p no:xdist haven/hub/tests/test_search_quality.py`.
"""

import time
from pathlib import Path

import pytest
import yaml

from haven.hub import search as search_module
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


def misses(language: str) -> tuple[list[str], int, list[float]]:
    """The queries of the set whose top 3 holds none of their expected slugs, the set's size and
    each search's time in milliseconds (a search of 10 results, as the page and API do)."""
    queries = load_set(language)
    missed, times = [], []
    for item in queries:
        start = time.perf_counter()
        results = search(item["q"], language).results
        times.append((time.perf_counter() - start) * 1000)
        found = [result.slug for result in results]
        if not set(found[:TOP]) & set(item["expect"]):
            missed.append(f"{item['q']!r} -> {found[:TOP]} (expected {item['expect']})")
    return missed, len(queries), times


def test_every_set_has_at_least_15_queries():
    for language in LANGUAGES:
        queries = load_set(language)
        assert len(queries) >= 15, language
        assert all(item["q"].strip() and item["expect"] for item in queries), language


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_reaches_its_threshold(language, monkeypatch):
    # A reference in the same run: the same engine without the query layer (no synonyms, no
    # aliases or help-line pins), printed only.
    with monkeypatch.context() as patch:
        patch.setattr(search_module, "expand", lambda words, language: [(w,) for w in words])
        patch.setattr(search_module, "pinned_documents", lambda *arguments: [])
        plain, size, plain_times = misses(language)
    print(
        f"\nwithout synonyms and pins {language}: {size - len(plain)}/{size}"
        f" (mean {sum(plain_times) / size:.1f} ms)",
        end="",
    )
    missed, size, times = misses(language)
    share = (size - len(missed)) / size
    print(
        f"\nsearch quality {language}: {size - len(missed)}/{size} = {share:.0%} in the top {TOP}"
        f" (mean {sum(times) / size:.1f} ms, slowest {max(times):.1f} ms)"
    )
    for line in missed:
        print(f"  miss {line}")
    assert share >= THRESHOLDS[language], "\n".join(missed)
