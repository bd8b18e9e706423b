"""Loading content/: the real files, idempotence, updates and refusals."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from haven.audit.models import Event
from haven.conftest import CONTENT
from haven.hub.content import ContentError, load_content
from haven.hub.models import Article, CountryNote, HelpLine, SearchDocument
from haven.lib import vocabulary
from haven.lib.vocabulary import ASEAN

# Every article file under content/articles: one per slug and language.
ARTICLES = len(list((CONTENT / "articles").glob("*.md")))

ISSUE_ARTICLES = {
    "what-is-trafficking": "guide",
    "warning-signs": "guide",
    "fake-job-offers": "guide",
    "safe-migration": "guide",
    "forced-labour-indicators": "guide",
    "forced-marriage": "guide",
    "child-trafficking": "guide",
    "rights-of-victims": "right",
    "how-to-report": "guide",
    "support-after-return": "guide",
    "actip": "law",
    "asean-plan-of-action": "law",
    "bohol-work-plan": "law",
    "untoc": "law",
    "palermo-protocol": "law",
    "vietnam-law-2024": "law",
}


@pytest.fixture
def content(tmp_path) -> Path:
    """A copy of content/ that a test may change."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy


@pytest.mark.django_db
class TestRealContent:
    def test_every_article_exists_in_both_languages(self):
        for slug, kind in ISSUE_ARTICLES.items():
            for language in ("vi", "en"):
                article = Article.objects.get(slug=slug, language=language, published=True)
                assert article.kind == kind
                assert article.sources and all(s["url"].startswith("http") for s in article.sources)
                assert len(article.body.split()) > 250

    def test_vietnamese_articles_are_vietnamese(self):
        for article in Article.objects.filter(language="vi"):
            assert any(letter in article.body for letter in "ăâđêôơư"), article.slug

    def test_every_asean_country_has_an_emergency_number(self):
        assert sorted(str(note.country) for note in CountryNote.objects.all()) == sorted(ASEAN)
        for code in ASEAN:
            assert HelpLine.objects.filter(country=code, kind="emergency").exists(), code

    def test_verified_numbers_have_a_date_and_a_source(self):
        for line in HelpLine.objects.filter(verified=True):
            assert line.verified_on and line.sources, line

    def test_viet_nam_111_is_verified_and_the_old_line_is_absent(self):
        line = HelpLine.objects.get(country="VN", number="111")
        assert line.verified and "child_protection" in line.also
        assert not HelpLine.objects.filter(number__contains="1567").exists()

    def test_everything_is_indexed(self):
        assert SearchDocument.objects.filter(source="article").count() == ARTICLES
        # The ten countries' help-lines, once for each language Haven speaks.
        helplines = 10 * len(vocabulary.language_codes())
        assert SearchDocument.objects.filter(source="helpline").count() == helplines


@pytest.mark.django_db
class TestLoading:
    def test_a_second_run_changes_nothing(self):
        events = Event.objects.count()
        before = list(Article.objects.order_by("pk").values_list("pk", "updated"))
        report = load_content(CONTENT)
        assert (report.created, report.updated, report.unchanged) == (0, 0, ARTICLES)
        assert report.helplines == "unchanged" and not report.changed
        assert list(Article.objects.order_by("pk").values_list("pk", "updated")) == before
        assert Event.objects.count() == events

    def test_an_edited_file_updates_its_article(self, content):
        path = content / "articles" / "actip.en.md"
        path.write_text(path.read_text().replace("\ntitle: ", "\ntitle: Edited ", 1))
        report = load_content(content)
        assert (report.created, report.updated, report.unchanged) == (0, 1, ARTICLES - 1)
        assert Article.objects.get(slug="actip", language="en").title.startswith("Edited ")
        assert SearchDocument.objects.get(
            source="article", key="actip", language="en"
        ).title.startswith("Edited ")
        assert Event.objects.filter(action="content.loaded").latest("seq").summary["updated"] == 1

    def test_removing_both_files_unpublishes(self, content):
        for language in ("vi", "en"):
            (content / "articles" / f"untoc.{language}.md").unlink()
        # Other articles link to untoc: those links must go first.
        for path in (content / "articles").glob("*.md"):
            path.write_text(path.read_text().replace("(article:untoc)", "(help:VN)"))
        report = load_content(content)
        assert report.unpublished == 2
        assert not Article.objects.filter(slug="untoc", published=True).exists()
        assert not SearchDocument.objects.filter(key="untoc").exists()

    def test_force_reloads_and_reindexes(self):
        report = load_content(CONTENT, force=True)
        assert report.updated == ARTICLES
        assert SearchDocument.objects.count() == ARTICLES + 10 * len(vocabulary.language_codes())

    def test_the_command_reports(self):
        out = StringIO()
        call_command("load_content", stdout=out)
        assert f"0 created, 0 updated, {ARTICLES} unchanged" in out.getvalue()


def write_article(content: Path, name: str, text: str) -> None:
    (content / "articles" / name).write_text(text, encoding="utf-8")


VALID = (
    """---
slug: extra
language: en
kind: guide
title: Extra
summary: A test article.
countries: []
reviewed: 2026-11-28
sources:
  - title: A source
    url: https://example.org/
---
"""
    + "Words of a test article. " * 20
)


@pytest.mark.django_db
class TestRefusals:
    @pytest.mark.parametrize(
        ("name", "text", "message"),
        [
            ("extra.en.md", "no front matter at all " * 20, "front matter block"),
            ("extra.en.md", VALID.replace("kind: guide", "kind: poem"), "'kind' must be one of"),
            ("extra.en.md", VALID.replace("slug: extra", "slug: other"), "'slug' must"),
            ("extra.en.md", VALID.replace("language: en", "language: vi"), "'language' must"),
            (
                "extra.en.md",
                VALID.replace("countries: []", "countries: [FR]"),
                "ASEAN country codes",
            ),
            ("extra.en.md", VALID.replace("reviewed: 2026-11-28", "reviewed: soon"), "'reviewed'"),
            (
                "extra.en.md",
                VALID.replace("    url: https://example.org/", "    url: ftp://x"),
                "source 1 needs a url",
            ),
            ("extra.en.md", VALID.replace("title: Extra\n", ""), "'title' is required"),
            (
                "extra.en.md",
                VALID.replace("---\nWords", "---\n[x](article:nowhere) Words"),
                "extra: every article needs vi and en; missing vi",
            ),
            ("Extra.EN.md", VALID, "file names must look like"),
            ("extra.en.md", VALID.replace("sources:", "sources: [\n"), "not valid YAML"),
        ],
    )
    def test_a_bad_file_stops_the_load_and_writes_nothing(self, content, name, text, message):
        write_article(content, name, text)
        before = (Article.objects.count(), SearchDocument.objects.count(), Event.objects.count())
        with pytest.raises(ContentError, match=message):
            load_content(content)
        assert (
            Article.objects.count(),
            SearchDocument.objects.count(),
            Event.objects.count(),
        ) == before

    def test_a_link_to_a_missing_article_is_refused(self, content):
        write_article(
            content, "extra.en.md", VALID.replace("---\nWords", "---\n[x](article:nowhere) Words")
        )
        write_article(content, "extra.vi.md", VALID.replace("language: en", "language: vi"))
        with pytest.raises(ContentError, match=r"extra\.en\.md: links to article:nowhere"):
            load_content(content)

    def test_a_help_line_without_emergency_number_is_refused(self, content):
        path = content / "helplines.yaml"
        data = yaml.safe_load(path.read_text())
        lines = data["countries"][0]["lines"]
        data["countries"][0]["lines"] = [line for line in lines if line["kind"] != "emergency"]
        path.write_text(yaml.safe_dump(data, allow_unicode=True))
        with pytest.raises(ContentError, match="VN has no line with kind: emergency"):
            load_content(content)

    def test_a_verified_number_needs_a_source(self, content):
        path = content / "helplines.yaml"
        data = yaml.safe_load(path.read_text())
        data["countries"][0]["lines"][0]["sources"] = []
        path.write_text(yaml.safe_dump(data, allow_unicode=True))
        with pytest.raises(ContentError, match=r"helplines\.yaml: VN line 1: 'sources'"):
            load_content(content)

    def test_the_command_names_the_problem(self, content):
        write_article(content, "extra.en.md", VALID.replace("kind: guide", "kind: poem"))
        with pytest.raises(
            CommandError, match=r"Content not loaded: extra\.en\.md: 'kind' must be one of"
        ):
            call_command("load_content", "--path", str(content))
