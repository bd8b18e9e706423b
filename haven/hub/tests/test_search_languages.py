"""Search in each language: an article written in it is found by a query written in it."""

import pytest

from haven.hub.search import index_document, make_snippet, search

ARTICLES = {
    "th": (
        "การค้ามนุษย์คืออะไร",
        "การค้ามนุษย์คือการหลอกลวงหรือบังคับคนไปทำงานเพื่อแสวงหาประโยชน์ "
        "หากคุณหรือคนที่คุณรู้จักตกอยู่ในอันตราย โทรสายด่วน 1300 ได้ตลอด 24 ชั่วโมง",
    ),
    "km": (
        "តើការជួញដូរមនុស្សជាអ្វី",
        "ការជួញដូរមនុស្សគឺជាការបោកប្រាស់ ឬបង្ខិតបង្ខំមនុស្សឱ្យធ្វើការដោយគ្មានសេរីភាព។ "
        "ប្រសិនបើអ្នកត្រូវការជំនួយ សូមទូរស័ព្ទទៅលេខ ១២៨៨។",
    ),
    "lo": (
        "ການຄ້າມະນຸດແມ່ນຫຍັງ",
        "ການຄ້າມະນຸດແມ່ນການຫຼອກລວງ ຫຼື ບັງຄັບຄົນໄປເຮັດວຽກ. ຖ້າທ່ານຕ້ອງການຄວາມຊ່ວຍເຫຼືອ ໃຫ້ໂທຫາສາຍດ່ວນ 1300.",
    ),
    "my": (
        "လူကုန်ကူးမှုဆိုတာဘာလဲ",
        "လူကုန်ကူးမှုဆိုသည်မှာ လူများကို လိမ်လည်၍ သို့မဟုတ် အတင်းအကြပ် အလုပ်ခိုင်းခြင်း ဖြစ်သည်။ "
        "အကူအညီလိုအပ်ပါက အရေးပေါ်ဖုန်းနံပါတ်ကို ဆက်သွယ်ပါ။",
    ),
    "id": (
        "Apa itu perdagangan orang?",
        "Perdagangan orang adalah perekrutan pekerja dengan penipuan atau paksaan untuk "
        "dieksploitasi. Hubungi layanan pengaduan jika Anda membutuhkan bantuan.",
    ),
    "ms": (
        "Apakah pemerdagangan orang?",
        "Pemerdagangan orang ialah perbuatan merekrut atau memindahkan seseorang dengan paksaan "
        "atau penipuan untuk eksploitasi. Hubungi talian bantuan jika anda memerlukan pertolongan.",
    ),
    "fil": (
        "Ano ang human trafficking?",
        "Ang trafficking ng tao ay ang pangangalap o paglilipat ng tao sa pamamagitan ng "
        "panlilinlang o pamimilit upang pagsamantalahan ang mga manggagawà. Tumawag sa 1343.",
    ),
    "en": (
        "Rights of a domestic worker",
        "A domestic worker keeps her passport and her phone, and is paid every month.",
    ),
    "vi": (
        "Quyền của người giúp việc gia đình",
        "Người giúp việc gia đình được giữ hộ chiếu và điện thoại của mình, được trả lương hằng tháng.",
    ),
}


@pytest.fixture
def articles(db):
    for language, (title, text) in ARTICLES.items():
        index_document(
            source="test",
            key=f"about-{language}",
            language=language,
            kind="test",
            title=title,
            url=f"/{language}/test/",
            text=text,
        )


def first(query, language):
    results = search(query, language).results
    return f"{results[0].kind}:{results[0].slug}" if results else None


@pytest.mark.parametrize(
    ("language", "query"),
    [
        ("th", "ค้ามนุษย์"),
        ("th", "หลอกลวง"),
        ("km", "ជួញដូរមនុស្ស"),
        # Not "ទូរស័ព្ទ ជំនួយ" (help telephone): with the whole Khmer catalogue the ten help pages,
        # titled "ខ្សែទូរស័ព្ទជំនួយ៖ ...", rightly fill the first ten results for it.
        ("km", "បង្ខិតបង្ខំ ធ្វើការ"),
        ("lo", "ການຄ້າມະນຸດ"),
        # not "ສາຍດ່ວນ" (hotline): with the whole Lao catalogue the help pages, titled with it,
        # rightly come first for it
        ("lo", "ບັງຄັບ"),
        ("my", "လူကုန်ကူးမှု"),
        # not "အကူအညီ" (help): in Burmese every help page is titled "help-lines"
        ("my", "လိမ်လည်"),
        ("id", "memperdagangkan orang"),
        ("id", "pekerjaan"),
        ("ms", "pemerdagangan orang"),
        ("ms", "pertolongan"),  # "membantu" rightly finds the help pages (talian bantuan) first
        ("fil", "panlilinlang"),
        ("fil", "manggagawa"),
        ("en", "workers"),
        ("en", "domestic workers"),
        ("vi", "giúp việc gia đình"),
        ("vi", "giup viec gia dinh"),
        ("vi", "NGƯỜI GIÚP VIỆC"),
        ("vi", "nguoi giup viec"),
    ],
)
def test_an_article_is_found_by_a_query_in_its_language(articles, language, query):
    # On the first page: the real articles in the same language (content/) compete for the top.
    found = [f"{result.kind}:{result.slug}" for result in search(query, language).results]
    assert f"test:about-{language}" in found


@pytest.mark.django_db
def test_thai_help_line_names_are_found_in_thai():
    """helplines.yaml names every line in Thai: "สายด่วน" (help-line) finds the help pages."""
    found = [f"{result.kind}:{result.slug}" for result in search("สายด่วน", "th").results]
    assert "helpline:TH" in found


def test_a_language_does_not_find_another_languages_documents(articles):
    assert first("ค้ามนุษย์", "km") is None
    assert first("pekerjaan", "en") != "test:about-id"


def test_a_segmented_query_marks_the_words_in_the_snippet():
    snippet = make_snippet(ARTICLES["th"][1], ["สาย", "ด่วน"], language="th")
    assert "<mark>สาย</mark><mark>ด่วน</mark>" in snippet


def test_a_stemmed_query_marks_each_form_of_the_word():
    snippet = make_snippet("One worker, two workers.", ["worker"], language="en")
    assert snippet == "One <mark>worker</mark>, two <mark>workers</mark>."


def test_a_corrected_english_query_is_shown_as_a_word_not_a_stem(articles):
    # ("pasport" itself is Malay, so a whole-corpus vocabulary knows it.)
    results = search("passprt", "en")
    assert results.corrected == "passport"
    assert results.results


def test_typos_are_not_guessed_in_scripts_without_spaces(articles):
    assert search("ค้ามนุษยย", "th").corrected is None


def test_a_typo_is_corrected_to_a_word_of_the_query_language(articles):
    # "paspor" (Indonesian, Malay) is closer to "pasport" than "passport" is, but is not English.
    from haven.hub.search import correct_term

    assert correct_term("pasport", "en") == "passport"
    assert correct_term("pasport", "id") == "paspor"
