"""Search latency at scale in the nine languages, on SQLite and PostgreSQL, beside Tantivy.

    make bench-search            # both engines (PostgreSQL at HAVEN_TEST_DATABASE_URL)
    BENCH_DOCUMENTS=20000 ...    # a smaller corpus for a quick look
    BENCH_ENGINES=postgresql ... # one engine only

Builds a throw-away database per engine holding the real content plus BENCH_DOCUMENTS generated
documents spread evenly over vi, en, th, km, lo, my, id, ms and fil (words drawn with a Zipf-like
frequency from the real articles for vi and en, from the sample texts below for the others; Thai,
Lao, Khmer and Burmese written without spaces between words, as they are). Then sends the fixed
queries below, BENCH_ROUNDS times each after one warm-up round, and prints p50/p95 in
milliseconds: through GET /api/v1/search, through haven.hub.search.search() in process, and for
Tantivy (the `tantivy` package) over the same documents, analysed by the same haven.lib.analysis
(a whitespace tokenizer over the analysed terms, title boosted 3x, every term required, filtered
by language: the same question Haven's engines answer), top 10 with their stored fields.
"""

import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from itertools import accumulate, chain
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = int(os.environ.get("BENCH_DOCUMENTS", "100000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
ENGINES = os.environ.get("BENCH_ENGINES", "sqlite,postgresql").split(",")
POSTGRES = os.environ.get("HAVEN_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/haven")
LANGUAGES = ["vi", "en", "th", "km", "lo", "my", "id", "ms", "fil"]
UNSPACED = {"th", "km", "lo", "my"}

SAMPLES = {
    "th": "การค้ามนุษย์เป็นอาชญากรรมร้ายแรง นายหน้าหลอกลวงคนหางานด้วยเงินเดือนสูงในต่างประเทศ "
    "แล้วยึดหนังสือเดินทาง บังคับให้ทำงานโดยไม่ได้รับค่าจ้าง แรงงานบังคับและหนี้สินเป็นสัญญาณเตือน "
    "หากต้องการความช่วยเหลือ โทรสายด่วน 1300 ได้ตลอด 24 ชั่วโมง "
    "ผู้เสียหายมีสิทธิได้รับการคุ้มครองและที่พักพิง",
    "km": "ការជួញដូរមនុស្សគឺជាឧក្រិដ្ឋកម្មធ្ងន់ធ្ងរ។ មេខ្យល់បោកប្រាស់អ្នករកការងារដោយប្រាក់ខែខ្ពស់នៅបរទេស "
    "ហើយរឹបអូសលិខិតឆ្លងដែន។ ពលកម្មដោយបង្ខំ និងបំណុលគឺជាសញ្ញាព្រមាន។ ប្រសិនបើអ្នកត្រូវការជំនួយ "
    "សូមទូរស័ព្ទទៅលេខ ១២៨៨។ ជនរងគ្រោះមានសិទ្ធិទទួលបានការការពារ និងកន្លែងស្នាក់នៅ។",
    "lo": "ການຄ້າມະນຸດແມ່ນອາຊະຍາກຳຮ້າຍແຮງ. ນາຍໜ້າຫຼອກລວງຄົນຊອກວຽກດ້ວຍເງິນເດືອນສູງຢູ່ຕ່າງປະເທດ "
    "ແລ້ວຍຶດໜັງສືຜ່ານແດນ. ການບັງຄັບອອກແຮງງານ ແລະ ໜີ້ສິນແມ່ນສັນຍານເຕືອນ. "
    "ຖ້າທ່ານຕ້ອງການຄວາມຊ່ວຍເຫຼືອ ໃຫ້ໂທຫາສາຍດ່ວນ 1300. "
    "ຜູ້ເຄາະຮ້າຍມີສິດໄດ້ຮັບການປົກປ້ອງ ແລະ ບ່ອນພັກອາໄສ.",
    "my": "လူကုန်ကူးမှုသည် ပြင်းထန်သော ရာဇဝတ်မှုဖြစ်သည်။ ပွဲစားများသည် နိုင်ငံခြားတွင် "
    "လစာမြင့်အလုပ်ဖြင့် အလုပ်ရှာသူများကို လိမ်လည်ပြီး နိုင်ငံကူးလက်မှတ်ကို သိမ်းဆည်းသည်။ "
    "အတင်းအကြပ်လုပ်အားနှင့် အကြွေးသည် သတိပေးလက္ခဏာများဖြစ်သည်။ အကူအညီလိုအပ်ပါက "
    "အရေးပေါ်ဖုန်းနံပါတ်ကို ဆက်သွယ်ပါ။ ခံစားရသူများသည် ကာကွယ်မှုနှင့် နေရာထိုင်ခင်း ရပိုင်ခွင့်ရှိသည်။",
    "id": "Perdagangan orang adalah kejahatan berat. Calo menipu pencari kerja dengan gaji tinggi "
    "di luar negeri, lalu menahan paspor mereka. Kerja paksa dan jeratan utang adalah tanda bahaya. "
    "Jika Anda membutuhkan bantuan, hubungi layanan pengaduan. Korban berhak atas perlindungan dan "
    "tempat penampungan. Pekerja migran harus memiliki kontrak kerja yang sah.",
    "ms": "Pemerdagangan orang ialah jenayah berat. Ejen menipu pencari kerja dengan gaji tinggi di "
    "luar negara, kemudian menahan pasport mereka. Kerja paksa dan jeratan hutang ialah tanda amaran. "
    "Jika anda memerlukan bantuan, hubungi talian bantuan. Mangsa berhak mendapat perlindungan dan "
    "tempat perlindungan. Pekerja asing mesti mempunyai kontrak pekerjaan yang sah.",
    "fil": "Ang human trafficking ay isang mabigat na krimen. Nililinlang ng mga recruiter ang mga "
    "naghahanap ng trabaho sa pangakong mataas na sahod sa ibang bansa, saka kinukuha ang kanilang "
    "pasaporte. Ang sapilitang paggawa at pagkakautang ay mga babala. Kung kailangan mo ng tulong, "
    "tumawag sa 1343 Actionline. May karapatan ang mga biktima sa proteksyon at kanlungan. "
    "Dapat may kontrata ang bawat manggagawa.",
}

QUERIES = {
    "vi": [
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
        "hợp đồng lao động",
        "cuong ep ket hon",
        "hỗ trợ nạn nhân",
        "công ước asean",
        "lừa đảo",
    ],
    "en": [
        "human trafficking",
        "forced labour",
        "fake job offer",
        "passport",
        "contract",
        "forced marriage",
        "victim support",
        "palermo protocol",
        "scam compound",
        "Cambodia",
        "recruitment fees",
        "hotline",
        "traficking",
        "debt bondage",
        "legal aid",
        "workers",
    ],
    "th": [
        "การค้ามนุษย์",
        "สายด่วน",
        "แรงงานบังคับ",
        "หนังสือเดินทาง",
        "ต่างประเทศ",
        "ความช่วยเหลือ",
        "นายหน้า",
        "เงินเดือนสูง",
    ],
    "km": [
        "ការជួញដូរមនុស្ស",
        "ទូរស័ព្ទ",
        "ពលកម្មដោយបង្ខំ",
        "លិខិតឆ្លងដែន",
        "បរទេស",
        "ជំនួយ",
        "មេខ្យល់",
        "ប្រាក់ខែខ្ពស់",
    ],
    "lo": [
        "ການຄ້າມະນຸດ",
        "ສາຍດ່ວນ",
        "ການບັງຄັບອອກແຮງງານ",
        "ໜັງສືຜ່ານແດນ",
        "ຕ່າງປະເທດ",
        "ຄວາມຊ່ວຍເຫຼືອ",
        "ນາຍໜ້າ",
        "ເງິນເດືອນສູງ",
    ],
    "my": [
        "လူကုန်ကူးမှု",
        "ဖုန်းနံပါတ်",
        "အတင်းအကြပ်လုပ်အား",
        "နိုင်ငံကူးလက်မှတ်",
        "နိုင်ငံခြား",
        "အကူအညီ",
        "ပွဲစား",
        "လစာမြင့်",
    ],
    "id": [
        "perdagangan orang",
        "kerja paksa",
        "paspor",
        "gaji tinggi",
        "bantuan",
        "perlindungan korban",
        "pekerja migran",
        "kontrak kerja",
    ],
    "ms": [
        "pemerdagangan orang",
        "kerja paksa",
        "pasport",
        "gaji tinggi",
        "talian bantuan",
        "mangsa",
        "pekerja asing",
        "kontrak pekerjaan",
    ],
    "fil": [
        "human trafficking",
        "sapilitang paggawa",
        "pasaporte",
        "mataas na sahod",
        "tulong",
        "biktima",
        "manggagawa",
        "kontrata",
    ],
}


def _vocabulary(language: str) -> list[str]:
    from haven.hub.models import Article
    from haven.lib.analysis import tokens

    if language in SAMPLES:
        texts = [SAMPLES[language]]
    else:
        texts = [f"{a.title} {a.body}" for a in Article.objects.filter(language=language)]
    words = Counter(
        normalize_surface(text, token) for text in texts for token in tokens(text, language)
    )
    return [word for word, _ in words.most_common()]


def normalize_surface(text: str, token) -> str:
    from haven.lib.text import normalize

    return normalize(text)[token.start : token.end]


def build_corpus(count: int) -> list[dict]:
    generator = random.Random(20261128)
    pools = {}
    for language in LANGUAGES:
        words = _vocabulary(language)
        pools[language] = (words, list(accumulate(1 / (rank + 1) for rank in range(len(words)))))
    items = []
    for number in range(count):
        language = LANGUAGES[number % len(LANGUAGES)]
        words, weights = pools[language]
        body = generator.choices(words, cum_weights=weights, k=generator.randint(60, 160))
        title = generator.choices(words, cum_weights=weights, k=generator.randint(3, 8))
        if language in UNSPACED:  # a space now and then, as between phrases
            join = lambda chosen: "".join(  # noqa: E731
                word + (" " if generator.random() < 0.15 else "") for word in chosen
            )
        else:
            join = " ".join
        items.append(
            {
                "source": "bench",
                "key": str(number),
                "language": language,
                "kind": "guide",
                "title": join(title).capitalize(),
                "url": f"/{language}/bench/{number}/",
                "text": join(body),
            }
        )
    return items


def tantivy_index(folder: str):
    """The same documents, as stored by Haven (analysed terms), in a Tantivy index on disk."""
    import tantivy

    from haven.hub.models import SearchDocument

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("language", tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="whitespace")
    builder.add_text_field("body", tokenizer_name="whitespace")
    builder.add_text_field("url", stored=True, tokenizer_name="raw")
    schema = builder.build()
    index = tantivy.Index(schema, path=folder)
    writer = index.writer()
    fields = ("language", "title_fold", "body_fold", "url")
    for language, title, body, url in SearchDocument.objects.values_list(*fields).iterator():
        writer.add_document(tantivy.Document(language=language, title=title, body=body, url=url))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index, schema


def tantivy_search(index, schema, query: str, language: str) -> list:
    import tantivy

    from haven.lib.analysis import analyse

    clauses = [(tantivy.Occur.Must, tantivy.Query.term_query(schema, "language", language))]
    for term in dict.fromkeys(analyse(query, language)):
        either = tantivy.Query.boolean_query(
            [
                (
                    tantivy.Occur.Should,
                    tantivy.Query.boost_query(tantivy.Query.term_query(schema, "title", term), 3.0),
                ),
                (tantivy.Occur.Should, tantivy.Query.term_query(schema, "body", term)),
            ]
        )
        clauses.append((tantivy.Occur.Must, either))
    searcher = index.searcher()
    hits = searcher.search(tantivy.Query.boolean_query(clauses), 10).hits
    return [searcher.doc(address)["title"] for _, address in hits]


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
    from haven.hub.models import SearchDocument
    from haven.hub.search import bulk_index_documents, optimize_index, search

    setup_test_environment()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the API's 422 for a language
    call_command("migrate", verbosity=0)
    load_content(ROOT / "content")
    started = time.perf_counter()
    items = build_corpus(DOCUMENTS)
    for start in range(0, len(items), 10000):
        bulk_index_documents(items[start : start + 10000])
    optimize_index()
    indexing = time.perf_counter() - started

    pairs = [(language, query) for language in LANGUAGES for query in QUERIES[language]]
    with tempfile.TemporaryDirectory(prefix="haven-tantivy-") as folder:
        began = time.perf_counter()
        index, schema = tantivy_index(folder)
        tantivy_build = time.perf_counter() - began
        timings = {"haven": defaultdict(list), "tantivy": defaultdict(list), "api": []}
        client = Client()
        api_pairs = [
            pair
            for pair in pairs
            if client.get("/api/v1/search", {"q": pair[1], "lang": pair[0]}).status_code == 200
        ]
        for language, query in pairs:  # warm-up; every query finds something on both sides
            found = search(query, language).results
            assert found, (language, query)  # Tantivy has no typo correction: may find nothing
        for _ in range(ROUNDS):
            for language, query in pairs:
                began = time.perf_counter()
                search(query, language)
                timings["haven"][language].append((time.perf_counter() - began) * 1000)
                began = time.perf_counter()
                tantivy_search(index, schema, query, language)
                timings["tantivy"][language].append((time.perf_counter() - began) * 1000)
            for language, query in api_pairs:
                began = time.perf_counter()
                response = client.get("/api/v1/search", {"q": query, "lang": language})
                timings["api"].append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200
    print(
        f"{label}: {SearchDocument.objects.count()} documents, indexed in {indexing:.1f} s "
        f"(Tantivy {tantivy_build:.1f} s); {len(pairs)} queries x {ROUNDS} rounds; milliseconds"
    )
    print(
        f"{'language':<9}{'Haven p50':>10}{'p95':>8}{'Tantivy p50':>13}{'p95':>8}{'p95 ratio':>11}"
    )
    rows = [
        (language, timings["haven"][language], timings["tantivy"][language])
        for language in LANGUAGES
    ]
    rows.append(
        ("all", list(chain(*timings["haven"].values())), list(chain(*timings["tantivy"].values())))
    )
    for language, haven, reference in rows:
        print(
            f"{language:<9}{percentile(haven, 0.5):10.2f}{percentile(haven, 0.95):8.2f}"
            f"{percentile(reference, 0.5):13.2f}{percentile(reference, 0.95):8.2f}"
            f"{percentile(haven, 0.95) / percentile(reference, 0.95):10.1f}x"
        )
    api = timings["api"]
    if api:
        print(
            f"GET /api/v1/search ({len(api_pairs)} queries the API accepts): "
            f"p50 {percentile(api, 0.5):.2f} p95 {percentile(api, 0.95):.2f} "
            f"p99 {percentile(api, 0.99):.2f} mean {statistics.mean(api):.2f}"
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
        # A throw-away database named after the given one (haven_NAME -> haven_NAME_bench).
        name = POSTGRES.rsplit("/", 1)[1].split("?")[0] + "_bench"
        database = POSTGRES.rsplit("/", 1)[0] + "/" + name
        import psycopg
        from psycopg import sql

        drop = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
        with psycopg.connect(POSTGRES, dbname="postgres", autocommit=True) as connection:
            connection.execute(drop)
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            postgres = {**base, "HAVEN_DATA_DIR": folder, "HAVEN_DATABASE_URL": database}
            subprocess.run([sys.executable, __file__, "PostgreSQL"], env=postgres, check=True)
        finally:
            with psycopg.connect(POSTGRES, dbname="postgres", autocommit=True) as connection:
                connection.execute(drop)


if __name__ == "__main__":
    main()
