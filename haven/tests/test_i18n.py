"""Two languages under /vi/ and /en/, and catalogues that are complete."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from haven.lib import vocabulary

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.django_db
class TestLanguageRouting:
    @pytest.mark.parametrize(
        ("accept", "target"),
        [("en-GB,en;q=0.9", "/en/"), ("vi-VN,vi;q=0.9", "/vi/"), ("fr-FR", "/vi/"), ("", "/vi/")],
    )
    def test_the_root_redirects_by_browser_language(self, client, accept, target):
        headers = {"Accept-Language": accept} if accept else {}
        response = client.get("/", headers=headers)
        assert response.status_code == 302 and response["Location"] == target

    def test_an_unknown_language_is_404(self, client):
        assert client.get("/fr/").status_code == 404
        assert client.get("/xx/staff/login/").status_code == 404

    def test_pages_speak_their_language(self, client):
        vi = client.get("/vi/").content.decode()
        en = client.get("/en/").content.decode()
        assert '<html lang="vi">' in vi and '<html lang="en">' in en
        assert "Tìm trợ giúp ngay" in vi and "Get help now" in en

    def test_the_switcher_links_to_the_same_page(self, client):
        html = client.get("/vi/staff/login/").content.decode()
        assert 'href="/en/staff/login/"' in html
        assert 'aria-current="true" lang="vi"' in html

    def test_the_switcher_keeps_the_query(self, client):
        html = client.get("/en/staff/login/?next=/en/staff/tokens/").content.decode()
        assert 'href="/vi/staff/login/?next=/en/staff/tokens/"' in html

    def test_error_pages_are_translated(self, client):
        assert "Không tìm thấy trang" in client.get("/vi/no-such-page/").content.decode()


# A language whose catalogue the vocabulary calls complete has every string (vi, en); the partial
# ones (th, km, ...) are checked in test_asean_languages.py.
@pytest.mark.parametrize("language", vocabulary.complete_catalogue_codes())
def test_the_catalogue_is_complete(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(catalogue) > 50
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert [entry.msgid for entry in catalogue.obsolete_entries()] == []


@pytest.mark.parametrize("language", vocabulary.language_codes())
def test_the_compiled_catalogue_matches(language):
    folder = LOCALE / language / "LC_MESSAGES"
    po = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.pofile(str(folder / "django.po")).translated_entries()
    }
    mo = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.mofile(str(folder / "django.mo"))
    }
    assert po == mo, "run `make messages` to compile the catalogues"


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the strings again into a copy and compare: nothing new may appear."""
    assert shutil.which("xgettext"), "gettext is needed: `make test` installs it"
    project = Path(settings.BASE_DIR)
    copy = tmp_path / "project"
    shutil.copytree(
        project,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "__pycache__", "node_modules"),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "haven",
            "makemessages",
            "-l",
            "vi",
            "--no-obsolete",
            "--no-location",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "HAVEN_DEBUG": "true",
            "HAVEN_DATA_DIR": str(tmp_path / "var"),
            "PYTHONPATH": str(copy),
        },
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale/vi/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(LOCALE / "vi/LC_MESSAGES/django.po"))}
    assert extracted - committed == set(), "run `make messages` and translate the new strings"
    assert committed - extracted == set(), "the catalogue has strings the code no longer uses"


def test_vietnamese_uses_the_legal_term_for_minors():
    """The law says "người chưa thành niên"; "trẻ vị thành niên" is not the legal term."""
    from pathlib import Path

    from django.conf import settings

    catalogue = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    assert "vị thành niên" not in catalogue.read_text(encoding="utf-8").lower()
