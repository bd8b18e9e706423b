"""Search latency at scale, on SQLite and on PostgreSQL, and the weight of hub pages.

    make bench-search            # both engines (PostgreSQL at HAVEN_TEST_DATABASE_URL)
    BENCH_DOCUMENTS=20000 ...    # a smaller corpus for a quick look
    BENCH_ENGINES=postgresql ... # one engine only

Builds a throw-away database per engine holding the real content plus BENCH_DOCUMENTS
generated documents (half Vietnamese, half English, words drawn from the real articles with a
Zipf-like frequency), then sends 50 fixed queries through GET /api/v1/search, BENCH_ROUNDS times
each after one warm-up round, and prints p50/p95/p99 in milliseconds.
"""

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = int(os.environ.get("BENCH_DOCUMENTS", "100000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
ENGINES = os.environ.get("BENCH_ENGINES", "sqlite,postgresql").split(",")
POSTGRES = os.environ.get("HAVEN_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/haven")

QUERIES = [
    ("vi", q)
    for q in [
        "mua bán người",
        "mua ban nguoi",
        "lao động cưỡng bức",
        "lao dong cuong buc",
        "đường dây nóng",
        "duong day nong",
        "hộ chiếu",
        "ho chieu",
        "việc làm lương cao",
        "viec lam luong cao",
        "trẻ em",
        "tre em",
        "hợp đồng lao động",
        "hop dong",
        "cưỡng ép kết hôn",
        "cuong ep ket hon",
        "hỗ trợ nạn nhân",
        "ho tro nan nhan",
        "công ước asean",
        "cong uoc",
        "luật 2024",
        "luat phong chong mua ban nguoi",
        "campuchia",
        "lừa đảo",
        "lua dao",
        "nợ",
        "111",
    ]
] + [
    ("en", q)
    for q in [
        "human trafficking",
        "forced labour",
        "fake job offer",
        "passport",
        "contract",
        "forced marriage",
        "child protection",
        "victim support",
        "palermo protocol",
        "asean convention",
        "scam compound",
        "Cambodia",
        "recruitment fees",
        "hotline",
        "traficking",
        "smugling",
        "debt bondage",
        "work visa",
        "legal aid",
        "shelter",
        "embassy",
        "vocational training",
        "1343",
    ]
]


def build_corpus(count: int) -> list[dict]:
    from haven.hub.models import Article
    from haven.lib.text import tokens

    vocabulary = {}
    for language in ("vi", "en"):
        words = []
        for article in Article.objects.filter(language=language):
            words.extend(tokens(f"{article.title} {article.body}"))
        ranked = [word for word, _ in __import__("collections").Counter(words).most_common()]
        vocabulary[language] = ranked
    generator = random.Random(20261128)
    items = []
    for number in range(count):
        language = "vi" if number % 2 == 0 else "en"
        words = vocabulary[language]
        weights = [1 / (rank + 1) for rank in range(len(words))]
        body = generator.choices(words, weights=weights, k=generator.randint(60, 160))
        title = generator.choices(words, weights=weights, k=generator.randint(3, 8))
        items.append(
            {
                "source": "bench",
                "key": str(number),
                "language": language,
                "kind": "guide",
                "title": " ".join(title).capitalize(),
                "url": f"/{language}/bench/{number}/",
                "text": " ".join(body),
            }
        )
    return items


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def run_engine(label: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from haven.hub.content import load_content
    from haven.hub.search import bulk_index_documents, optimize_index

    setup_test_environment()
    call_command("migrate", verbosity=0)
    load_content(ROOT / "content")
    started = time.perf_counter()
    items = build_corpus(DOCUMENTS)
    for start in range(0, len(items), 10000):
        bulk_index_documents(items[start : start + 10000])
    optimize_index()
    indexing = time.perf_counter() - started

    client = Client()
    for language, query in QUERIES:  # warm-up
        assert client.get("/api/v1/search", {"q": query, "lang": language}).status_code == 200
    timings = []
    for _ in range(ROUNDS):
        for language, query in QUERIES:
            began = time.perf_counter()
            response = client.get("/api/v1/search", {"q": query, "lang": language})
            timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
    print(
        f"{label:<11} {DOCUMENTS + 52:>8} docs  indexed in {indexing:6.1f} s  "
        f"{len(timings)} requests  p50 {percentile(timings, 0.50):6.2f} ms  "
        f"p95 {percentile(timings, 0.95):6.2f} ms  p99 {percentile(timings, 0.99):6.2f} ms  "
        f"mean {statistics.mean(timings):6.2f} ms"
    )
    if label == "SQLite":
        from django.contrib.staticfiles import finders

        css = len(Path(finders.find("haven.css")).read_bytes())
        for name, path in [
            ("home /vi/", "/vi/"),
            ("article /vi/articles/actip/", "/vi/articles/actip/"),
            ("help /vi/help/vn/", "/vi/help/vn/"),
        ]:
            size = len(client.get(path).content)
            print(f"page {name:<30} {size:>6} bytes, {size + css:>6} with the stylesheet")


def main() -> None:
    if len(sys.argv) > 1:
        run_engine(sys.argv[1])
        return
    base = {key: value for key, value in os.environ.items() if not key.startswith("HAVEN_")}
    base.update(HAVEN_DEBUG="true", HAVEN_DATABASE_CONN_MAX_AGE="60")
    with tempfile.TemporaryDirectory(prefix="haven-bench-") as folder:
        if "sqlite" in ENGINES:
            sqlite = {**base, "HAVEN_DATA_DIR": folder}
            subprocess.run([sys.executable, __file__, "SQLite"], env=sqlite, check=True)
        if "postgresql" not in ENGINES:
            return
        database = POSTGRES.rsplit("/", 1)[0] + "/haven_bench"
        import psycopg

        with psycopg.connect(POSTGRES, dbname="postgres", autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS haven_bench")
            connection.execute("CREATE DATABASE haven_bench")
        try:
            postgres = {**base, "HAVEN_DATA_DIR": folder, "HAVEN_DATABASE_URL": database}
            subprocess.run([sys.executable, __file__, "PostgreSQL"], env=postgres, check=True)
        finally:
            with psycopg.connect(POSTGRES, dbname="postgres", autocommit=True) as connection:
                connection.execute("DROP DATABASE IF EXISTS haven_bench")


if __name__ == "__main__":
    main()
