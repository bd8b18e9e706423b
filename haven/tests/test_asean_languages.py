"""Thai, Khmer, Lao, Burmese, Indonesian, Malay and Filipino: every public page in each, honest
about its unreviewed translation, English (never Vietnamese) where a string is not translated yet,
dates and numbers as each locale writes them, and their scripts drawn with real glyphs."""

import datetime
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import formats, translation

from haven.lib import vocabulary
from haven.lib.language import guess_language
from haven.tests.test_browser import PHONE, browser, personas, watch  # noqa: F401 (fixtures)

NEW = ("th", "km", "lo", "my", "id", "ms", "fil")
LOCALE = Path(settings.BASE_DIR) / "locale"
PAGES = [
    "/",
    "/articles/",
    "/articles/fake-job-offers/",
    "/help/",
    "/help/th/",
    "/help/ph/",
    "/search/",
    "/search/?q=visa",
    "/report/",
    "/report/new/",
    "/report/follow-up/",
    "/self-check/",
    "/job-check/",
    "/stats/",
    "/staff/login/",
]
# The banner's sentence in each language, as its catalogue says it.
BANNER = {
    "th": "คำแปลนี้ยังไม่ได้รับการตรวจทานโดยเจ้าของภาษา",
    "km": "ការបកប្រែនេះ មិនទាន់ត្រូវបានពិនិត្យដោយអ្នកនិយាយភាសាកំណើតនៅឡើយទេ។",
    "lo": "ການແປນີ້ຍັງບໍ່ໄດ້ຮັບການກວດກາໂດຍເຈົ້າຂອງພາສາ.",
    "my": "ဤဘာသာပြန်ကို မိခင်ဘာသာစကားပြောသူ မစစ်ဆေးရသေးပါ။",
    "id": "Terjemahan ini belum diperiksa oleh penutur asli.",
    "ms": "Terjemahan ini belum disemak oleh penutur asli.",
    "fil": "Hindi pa nasusuri ng katutubong tagapagsalita ang salin na ito.",
}
ENGLISH_BANNER = "This translation has not yet been reviewed by a native speaker."
# The public frame: translated in every new catalogue.
FRAME = [
    "Skip to content",
    "Quick exit",
    "Get help",
    "Library",
    "Search",
    "Get help now",
    "Check a job offer",
    "Report anonymously",
    "In danger now? Call",
    "See my result",
    "Check this offer",
    "Continue",
    "Back",
]


def test_the_vocabulary_lists_the_seven_unreviewed():
    for code in NEW:
        language = vocabulary.get_language(code)
        assert language is not None and not language.reviewed and not language.complete
    assert vocabulary.get_language("vi").reviewed and vocabulary.get_language("en").reviewed
    assert [code for code, _name in settings.LANGUAGES] == list(vocabulary.language_codes())


@pytest.mark.django_db
@pytest.mark.parametrize("language", NEW)
def test_every_public_page_speaks_the_language(client, language):
    for path in PAGES:
        response = client.get(f"/{language}{path}")
        html = response.content.decode()
        assert response.status_code == 200, path
        assert f'<html lang="{language}">' in html, path
        assert BANNER[language] in html and f'<span lang="en">{ENGLISH_BANNER}</span>' in html
        # The switcher: every language by its own name, a link to this page in each.
        for other in vocabulary.languages():
            assert f">{other.native_name}<" in html, (path, other.code)
        assert f'aria-current="true" lang="{language}"' in html
        assert f'href="/vi{path.split("?")[0]}' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_reviewed_languages_show_no_banner(client, language):
    assert 'class="unreviewed"' not in client.get(f"/{language}/").content.decode()


@pytest.mark.django_db
def test_the_switcher_works_without_a_cookie(client):
    html = client.get("/th/help/").content.decode()
    assert 'href="/km/help/" lang="km" hreflang="km">ខ្មែរ</a>' in html
    assert 'href="/fil/help/" lang="fil" hreflang="fil">Filipino</a>' in html
    assert not client.cookies


@pytest.mark.django_db
class TestFallback:
    def test_the_frame_is_translated(self, client):
        html = client.get("/th/").content.decode()
        assert "ขอความช่วยเหลือทันที" in html and "ออกทันที" in html  # Get help now, Quick exit
        assert '<a href="/th/job-check/">ตรวจหาสัญญาณอันตราย</a>' in html  # links kept

    def test_an_untranslated_string_is_english_not_vietnamese(self, client):
        html = client.get("/th/").content.decode()
        assert "Haven helps people recognise and report human trafficking" in html
        assert "Haven giúp" not in html and "Tìm trợ giúp ngay" not in html

    def test_vietnamese_still_reads_vietnamese(self, client):
        assert "Tìm trợ giúp ngay" in client.get("/vi/").content.decode()

    def test_an_article_not_translated_is_english_with_a_note(self, client):
        html = client.get("/km/articles/forced-marriage/").content.decode()
        assert 'class="unreviewed" role="note" lang="km"' in html
        assert "អត្ថបទនេះមិនទាន់មានជាភាសារបស់អ្នកនៅឡើយទេ" in html
        assert '<article lang="en">' in html

    def test_an_article_in_the_reader_language_has_no_note(self, client):
        html = client.get("/vi/articles/fake-job-offers/").content.decode()
        assert "<article>" in html and "Bài này chưa có" not in html

    def test_a_translated_article_reads_in_its_language(self, client):
        html = client.get("/km/articles/fake-job-offers/").content.decode()
        assert "<article>" in html and '<article lang="en">' not in html
        assert "អត្ថបទនេះមិនទាន់មានជាភាសារបស់អ្នកនៅឡើយទេ" not in html


@pytest.mark.parametrize("language", NEW)
def test_the_partial_catalogue_is_honest(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    translated = {entry.msgid: entry for entry in catalogue.translated_entries()}
    assert set(FRAME) <= set(translated)
    assert all("unreviewed" in entry.tcomment for entry in translated.values())
    assert catalogue.fuzzy_entries() == []
    # Partial or complete, and the vocabulary says which.
    complete = vocabulary.get_language(language).catalogue_complete
    assert bool(catalogue.untranslated_entries()) is not complete
    assert "INTEGER" not in catalogue.metadata["Plural-Forms"]


@pytest.mark.parametrize(
    ("language", "date", "number"),
    [
        ("th", "5", "1,234.5"),  # Django's Thai: "5 ธันวาคม 2026"
        ("km", "5", "1.234,5"),
        ("lo", "05/12/2026", "1.234,5"),
        ("my", "05/12/2026", "1,234.5"),
        ("id", "5 Des. 2026", "1.234,5"),
        ("ms", "5 Dis 2026", "1,234.5"),
        ("fil", "December 5, 2026", "1,234.5"),
    ],
)
def test_dates_and_numbers_follow_the_locale(language, date, number):
    with translation.override(language):
        written = formats.date_format(datetime.date(2026, 12, 5))
        figure = formats.number_format(1234.5, 1, force_grouping=True)
    assert written.startswith(date) and "2026" in written
    assert figure == number


@pytest.mark.parametrize(
    ("query", "language"),
    [
        ("การค้ามนุษย์", "th"),
        ("ការជួញដូរមនុស្ស", "km"),
        ("ການຄ້າມະນຸດ", "lo"),
        ("လူကုန်ကူးမှု", "my"),
        ("paano mag-ulat ng human trafficking sa pulis", "fil"),
        ("how to report forced labour", "en"),
        ("lao động cưỡng bức", "vi"),
    ],
)
def test_the_language_of_a_query(query, language):
    assert guess_language(query, vocabulary.language_codes()) == language


def test_a_script_outside_the_list_is_not_guessed():
    assert guess_language("การค้ามนุษย์", ("vi", "en")) is None


def test_indonesian_and_malay_are_not_confused_when_unsure():
    # So close on a short query that the model is not sure: no offer rather than a wrong one.
    assert guess_language("tawaran kerja palsu", vocabulary.language_codes()) in (None, "id", "ms")


@pytest.mark.django_db
def test_the_search_page_offers_the_thai_one(client):
    html = client.get("/en/search/", {"q": "การค้ามนุษย์"}).content.decode()
    assert 'class="other-language" lang="th"' in html and "ค้นหาในภาษานี้" in html


# A line in each script, and a letter of it every font drawing the line must have.
LINES = {
    "th": ("การค้ามนุษย์ ขอความช่วยเหลือทันที", "ก"),
    "km": ("ការជួញដូរមនុស្ស ស្វែងរកជំនួយឥឡូវនេះ", "ក"),
    "lo": ("ການຄ້າມະນຸດ ຂໍຄວາມຊ່ວຍເຫຼືອດຽວນີ້", "ກ"),
    "my": ("လူကုန်ကူးမှု ယခုပင် အကူအညီရယူပါ", "က"),
}


def _covers(family: str, letter: str) -> bool:
    """Whether fontconfig's font `family` has a glyph for `letter`."""
    pattern = f"{family}:charset={ord(letter):x}"
    found = subprocess.run(["fc-list", pattern, "family"], capture_output=True, text=True)
    return bool(found.stdout.strip())


@pytest.mark.browser
def test_the_scripts_render_without_missing_glyphs(browser, live_server, personas, tmp_path):  # noqa: F811
    """Chromium says which fonts drew a line (DevTools' CSS.getPlatformFontsForNode); the one
    that drew most of it must have the script's glyphs. Without a font for the script Chromium
    names a last-resort font that lacks them (tofu), and this fails."""
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    problems = watch(page)
    session = page.context.new_cdp_session(page)
    missing = {}
    for language, (line, letter) in LINES.items():
        page.goto(f"{live_server.url}/{language}/")
        # Nine languages in the switcher still fit the phone's width.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], language
        page.evaluate(
            """(line) => {
                const element = document.createElement("p");
                element.id = "script-line";
                element.textContent = line;
                document.querySelector("main").prepend(element);
            }""",
            line,
        )
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument")["root"]["nodeId"]
        node = session.send("DOM.querySelector", {"nodeId": root, "selector": "#script-line"})
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
        main = max(fonts, key=lambda font: font["glyphCount"])["familyName"]
        if not _covers(main, letter):
            missing[language] = main
        page.screenshot(path=str(tmp_path / f"{language}-360.png"))
    assert missing == {}, f"drawn with a font that lacks the script: {missing}"
    assert problems == []


def test_django_knows_every_language():
    # Django's table lacks Lao and Filipino; haven/lib/i18n.py adds them from the vocabulary.
    for code in NEW:
        assert translation.get_language_info(code)["code"] == code
    assert translation.get_language_info("lo")["name_local"] == "ລາວ"
    assert translation.get_language_info("fil")["name"] == "Filipino"
