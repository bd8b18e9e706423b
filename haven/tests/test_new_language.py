"""The recipe in docs/languages.md: one vocabulary entry, a catalogue and content add a language.

The fixture does exactly what the recipe says, in temporary form: it adds `xx` (written right to
left, to see the direction reach the page) to the vocabulary, puts a catalogue for it in a
temporary locale folder, and derives settings.LANGUAGES from the vocabulary as settings.py does.
"""

import shutil
from dataclasses import replace
from pathlib import Path

import polib
import pytest
import yaml
from django.conf import settings
from django.test import override_settings

from haven.conftest import CONTENT
from haven.hub.content import ContentError, load_content
from haven.hub.models import Article
from haven.lib import vocabulary

XX = vocabulary.Language("xx", "Xxish", "Test language", direction="rtl")


@pytest.fixture
def xx_language(tmp_path, monkeypatch):
    monkeypatch.setattr(vocabulary, "LANGUAGES", (*vocabulary.LANGUAGES, XX))
    folder = tmp_path / "locale" / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    catalogue.append(polib.POEntry(msgid="Get help now", msgstr="Xx help now"))
    catalogue.save_as_mofile(str(folder / "django.mo"))
    with override_settings(
        LANGUAGES=vocabulary.django_languages(),
        LOCALE_PATHS=[tmp_path / "locale", *settings.LOCALE_PATHS],
    ):
        yield


@pytest.fixture
def content_with_xx(tmp_path) -> Path:
    """A copy of content/ with one article translated into xx, and no other xx file."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    english = (copy / "articles" / "warning-signs.en.md").read_text(encoding="utf-8")
    translated = english.replace("language: en", "language: xx").replace(
        'title: "Warning signs of trafficking"', 'title: "Xx warning signs"'
    )
    (copy / "articles" / "warning-signs.xx.md").write_text(translated, encoding="utf-8")
    return copy


@pytest.mark.django_db
class TestPages:
    def test_the_new_prefix_answers_in_the_new_language(self, client, xx_language):
        response = client.get("/xx/")
        html = response.content.decode()
        assert response.status_code == 200
        assert '<html lang="xx" dir="rtl">' in html
        assert "Xx help now" in html  # from the new catalogue

    def test_the_switcher_offers_it_on_every_page(self, client, xx_language):
        html = client.get("/vi/staff/login/").content.decode()
        assert 'href="/xx/staff/login/"' in html and ">Xxish</a>" in html

    def test_an_article_not_yet_translated_reads_in_english(self, client, xx_language):
        html = client.get("/xx/articles/warning-signs/").content.decode()
        assert "Warning signs of trafficking" in html

    def test_help_pages_name_the_country_in_english_until_translated(self, client, xx_language):
        response = client.get("/xx/help/vn/")
        assert response.status_code == 200 and "Viet Nam" in response.content.decode()

    def test_without_the_entry_the_prefix_is_unknown(self, client):
        assert client.get("/xx/").status_code == 404


@pytest.mark.django_db
class TestApi:
    def test_the_search_accepts_the_new_code(self, client, xx_language):
        response = client.get("/api/v1/search", {"q": "visa", "lang": "xx"})
        assert response.status_code == 200

    def test_an_untranslated_article_comes_in_english(self, client, xx_language):
        body = client.get("/api/v1/articles/warning-signs", {"lang": "xx"}).json()
        assert body["lang"] == "en" and body["title"] == "Warning signs of trafficking"

    def test_the_job_offer_check_uses_the_english_rules(self, client, xx_language):
        response = client.post(
            "/api/v1/screening/job-offer-check",
            {
                "text": "No experience needed, very high salary, we keep your passport.",
                "lang": "xx",
            },
            content_type="application/json",
        )
        assert response.status_code == 200 and response.json()["flags"]

    def test_the_error_lists_the_codes_of_the_vocabulary(self, client, xx_language):
        response = client.get("/api/v1/search", {"q": "visa", "lang": "zz"})
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["field"] == "lang" and error["message"].endswith(
            " vi en " + " ".join(vocabulary.language_codes()[2:-1]) + " xx"
        )

    def test_without_the_entry_the_code_is_refused(self, client):
        response = client.get("/api/v1/search", {"q": "visa", "lang": "xx"})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "lang"

    def test_the_openapi_document_lists_the_codes(self, client):
        document = client.get("/api/v1/openapi.json").json()
        search = document["paths"]["/api/v1/search"]["get"]["parameters"]
        lang = next(item for item in search if item["name"] == "lang")
        assert lang["schema"]["enum"] == list(vocabulary.language_codes())
        job = document["components"]["schemas"]["JobOfferIn"]["properties"]["lang"]
        assert job["enum"] == list(vocabulary.language_codes())


@pytest.mark.django_db
class TestContent:
    def test_an_article_in_the_new_language_is_loaded_and_found(
        self, client, xx_language, content_with_xx
    ):
        report = load_content(content_with_xx)
        assert report.created == 1
        assert Article.objects.get(slug="warning-signs", language="xx").title == "Xx warning signs"
        assert "Xx warning signs" in client.get("/xx/articles/warning-signs/").content.decode()
        results = client.get("/api/v1/search", {"q": "warning", "lang": "xx"}).json()["results"]
        assert any(item["slug"] == "warning-signs" and item["lang"] == "xx" for item in results)

    def test_help_line_texts_in_the_new_language_are_shown(
        self, client, xx_language, content_with_xx
    ):
        path = content_with_xx / "helplines.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["countries"][0]["lines"][0]["name"]["xx"] = "Xx national line"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        load_content(content_with_xx)
        html = client.get("/xx/help/vn/").content.decode()
        assert "Xx national line" in html and "Viet Nam" in html

    def test_the_new_language_is_optional_and_the_complete_ones_are_not(
        self, xx_language, content_with_xx
    ):
        (content_with_xx / "articles" / "warning-signs.vi.md").unlink()
        with pytest.raises(ContentError, match="warning-signs: every article needs vi and en"):
            load_content(content_with_xx)

    def test_without_the_entry_the_file_is_refused(self, content_with_xx):
        with pytest.raises(
            ContentError, match=r"warning-signs\.xx\.md: 'language' must be vi or en"
        ):
            load_content(content_with_xx)


def test_a_language_can_wait_switched_off(monkeypatch):
    speaking = vocabulary.language_codes()
    monkeypatch.setattr(
        vocabulary, "LANGUAGES", (*vocabulary.LANGUAGES, replace(XX, enabled=False))
    )
    assert vocabulary.language_codes() == speaking
    assert vocabulary.get_language("xx") is None
