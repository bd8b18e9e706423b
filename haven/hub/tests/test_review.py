"""Review status of translated articles: read from the files, shown on pages, kept by editors."""

import shutil

import pytest
from django.test import Client

from haven.audit.models import Event
from haven.conftest import CONTENT, sign_in
from haven.hub.content import ContentError, load_content, parse_article
from haven.hub.models import Article, Correction, CorrectionStatus, ReviewStatus

NOTE = "No native speaker has reviewed this translation of the article yet."
PAGE = "/staff/translations/"
ARTICLE = f"{PAGE}th/what-is-trafficking/"


def _set_review(path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    text = text.replace("review: machine-assisted\n", "").replace(
        "\nsources:", f"\n{line}sources:", 1
    )
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    return root


@pytest.fixture
def editor2(db, dave):
    """A second content editor (an analyst of the same ministry), to decide dave's corrections."""
    from haven.accounts.models import User

    return User.objects.create_user(
        username="erin", password="x" * 20, role=dave.role, organisation=dave.organisation
    )


def _thai():
    return Article.objects.get(slug="what-is-trafficking", language="th")


@pytest.mark.django_db
class TestFiles:
    def test_the_files_statuses_are_loaded(self):
        assert _thai().review == ReviewStatus.MACHINE_ASSISTED
        english = Article.objects.get(slug="what-is-trafficking", language="en")
        assert english.review == ReviewStatus.ORIGINAL

    def test_reviewed_by_is_read(self, content):
        path = content / "articles" / "what-is-trafficking.th.md"
        _set_review(path, "review: reviewed-by Somchai Prasert, 2026-12-01\n")
        values = parse_article(path).values
        assert values["review"] == ReviewStatus.REVIEWED
        assert values["reviewer"] == "Somchai Prasert"
        assert str(values["review_date"]) == "2026-12-01"

    @pytest.mark.parametrize("value", ["done", "reviewed-by Somchai", "reviewed-by A, 2026-13-01"])
    def test_a_bad_review_names_the_file_and_field(self, content, value):
        path = content / "articles" / "what-is-trafficking.th.md"
        _set_review(path, f"review: {value}\n")
        with pytest.raises(ContentError, match=r"what-is-trafficking\.th\.md: 'review'"):
            parse_article(path)

    def test_an_interface_review_survives_reloads_until_the_file_changes(self, content, dave):
        from haven.hub import review

        load_content(content, force=True)
        review.mark_reviewed(_thai(), actor=dave)
        load_content(content)
        load_content(content, force=True)
        assert _thai().review == ReviewStatus.REVIEWED and _thai().reviewer == "Dave Vu"
        path = content / "articles" / "what-is-trafficking.th.md"
        path.write_text(path.read_text(encoding="utf-8") + "\nเพิ่ม\n", encoding="utf-8")
        load_content(content)
        assert _thai().review == ReviewStatus.MACHINE_ASSISTED and _thai().reviewer == ""

    def test_a_changed_file_that_says_reviewed_by_keeps_its_own_review(self, content, dave):
        path = content / "articles" / "what-is-trafficking.th.md"
        _set_review(path, "review: reviewed-by Somchai Prasert, 2026-12-01\n")
        load_content(content)
        assert _thai().review == ReviewStatus.REVIEWED and _thai().reviewer == "Somchai Prasert"


@pytest.mark.django_db
class TestPublicPages:
    def test_a_machine_assisted_article_says_so_calmly(self, client):
        page = client.get("/th/articles/what-is-trafficking/").content.decode()
        assert 'class="unreviewed" role="note"' in page.split("<h1>")[0].split("<article")[1]
        assert NOTE in page  # in English, beside the Thai (or alone while Thai lacks the string)

    def test_a_reviewed_article_has_no_note(self, client, dave):
        from haven.hub import review

        review.mark_reviewed(_thai(), actor=dave)
        page = client.get("/th/articles/what-is-trafficking/").content.decode()
        assert NOTE not in page

    def test_an_original_article_has_no_note(self, client):
        assert NOTE not in client.get("/en/articles/what-is-trafficking/").content.decode()

    def test_the_api_carries_the_review(self, client, dave):
        url = "/api/v1/articles/what-is-trafficking"
        assert client.get(url, {"lang": "th"}).json()["review"] == {
            "status": "machine-assisted",
            "reviewer": "",
            "reviewed_on": None,
        }
        from haven.hub import review

        review.mark_reviewed(_thai(), actor=dave)
        data = client.get(url, {"lang": "th"}).json()["review"]
        assert data["status"] == "reviewed" and data["reviewer"] == "Dave Vu"
        assert data["reviewed_on"]
        assert client.get(url, {"lang": "en"}).json()["review"]["status"] == "original"


@pytest.mark.django_db
class TestEditorPages:
    def test_the_list_shows_each_language(self, client, dave):
        page = sign_in(client, dave).get(f"/en{PAGE}").content.decode()
        for code in ("th", "km", "lo", "my", "id", "ms", "fil", "vi"):
            assert f"({code})</caption>" in page
        assert "not yet reviewed by a native speaker" in page

    def test_an_editor_marks_a_translation_reviewed(self, client, dave):
        response = sign_in(client, dave).post(f"/en{ARTICLE}review/")
        assert response.status_code == 302
        assert _thai().review == ReviewStatus.REVIEWED
        assert Event.objects.filter(action="content.reviewed", object_id=str(_thai().pk)).exists()

    def test_propose_then_another_editor_accepts_and_exports(self, client, dave, editor2):
        body = _thai().body.replace("การค้ามนุษย์", "การค้ามนุษย์ (แก้ไข)", 1)
        sign_in(client, dave).post(f"/en{ARTICLE}corrections/", {"body": body})
        correction = Correction.objects.get()
        assert correction.status == CorrectionStatus.PROPOSED
        page = client.get(f"/en{ARTICLE}").content.decode()
        assert "<ins>+" in page and "<del>-" in page and "(แก้ไข)" in page
        own = client.post(f"/en{ARTICLE}corrections/{correction.pk}/", {"decision": "accept"})
        assert own.status_code == 422 and b"Another editor" in own.content
        other = sign_in(Client(), editor2)
        answer = other.post(f"/en{ARTICLE}corrections/{correction.pk}/", {"decision": "accept"})
        assert answer.status_code == 302
        correction.refresh_from_db()
        assert correction.status == CorrectionStatus.ACCEPTED and correction.decided_by == editor2
        exported = other.get(f"/en{ARTICLE}corrections/{correction.pk}/file/")
        assert exported.status_code == 200
        text = exported.content.decode()
        assert text.startswith("---\nslug: what-is-trafficking\n") and "(แก้ไข)" in text
        assert parse_article_text(text)["body"] == body.strip()
        again = other.post(f"/en{ARTICLE}corrections/{correction.pk}/", {"decision": "reject"})
        assert again.status_code == 422 and b"already decided" in again.content
        actions = set(Event.objects.values_list("action", flat=True))
        assert {"content.correction_proposed", "content.correction_accepted"} <= actions
        assert "(แก้ไข)" not in client.get("/th/articles/what-is-trafficking/").content.decode()

    def test_a_rejected_correction_cannot_be_exported(self, client, dave, editor2):
        sign_in(client, dave).post(f"/en{ARTICLE}corrections/", {"body": "ข้อความใหม่"})
        correction = Correction.objects.get()
        other = sign_in(Client(), editor2)
        other.post(f"/en{ARTICLE}corrections/{correction.pk}/", {"decision": "reject"})
        assert Correction.objects.get().status == CorrectionStatus.REJECTED
        assert Event.objects.filter(action="content.correction_rejected").exists()
        assert other.get(f"/en{ARTICLE}corrections/{correction.pk}/file/").status_code == 404


def parse_article_text(text: str) -> dict:
    from haven.hub.content import FRONT_MATTER

    return {"body": FRONT_MATTER.match(text)["body"].strip()}


@pytest.mark.django_db
class TestUnhappyPaths:
    @pytest.mark.parametrize("body", ["", "   \n  "])
    def test_an_empty_correction_is_422_with_a_reason(self, client, dave, body):
        response = sign_in(client, dave).post(f"/en{ARTICLE}corrections/", {"body": body})
        assert response.status_code == 422
        assert b"cannot be empty" in response.content
        assert not Correction.objects.exists()

    @pytest.mark.parametrize(
        "url", [f"{PAGE}xx/what-is-trafficking/", f"{PAGE}th/no-such-article/"]
    )
    def test_an_unknown_language_or_article_is_404(self, client, dave, url):
        sign_in(client, dave)
        assert client.get(f"/en{url}").status_code == 404
        assert client.post(f"/en{url}review/").status_code == 404
        assert client.post(f"/en{url}corrections/", {"body": "x"}).status_code == 404

    def test_a_bad_decision_is_422(self, client, dave, editor2):
        sign_in(client, dave).post(f"/en{ARTICLE}corrections/", {"body": "ข้อความใหม่"})
        correction = Correction.objects.get()
        other = sign_in(Client(), editor2)
        response = other.post(f"/en{ARTICLE}corrections/{correction.pk}/", {"decision": "maybe"})
        assert response.status_code == 422
        assert Correction.objects.get().status == CorrectionStatus.PROPOSED

    def test_an_unknown_correction_is_404(self, client, dave):
        response = sign_in(client, dave).post(
            f"/en{ARTICLE}corrections/999/", {"decision": "accept"}
        )
        assert response.status_code == 404


@pytest.mark.django_db
class TestSecurity:
    def test_a_visitor_is_sent_to_sign_in(self, client):
        response = client.get(f"/en{PAGE}")
        assert response.status_code == 302 and "/login" in response["Location"]
        assert client.post(f"/en{ARTICLE}review/").status_code == 302
        assert _thai().review == ReviewStatus.MACHINE_ASSISTED

    @pytest.mark.parametrize("user", ["alice", "oscar", "mallory"])
    def test_other_roles_get_403(self, client, user, request):
        member = request.getfixturevalue(user)
        sign_in(client, member)
        assert client.get(f"/en{PAGE}").status_code == 403
        assert client.get(f"/en{ARTICLE}").status_code == 403
        assert client.post(f"/en{ARTICLE}review/").status_code == 403
        assert client.post(f"/en{ARTICLE}corrections/", {"body": "x"}).status_code == 403
        assert _thai().review == ReviewStatus.MACHINE_ASSISTED and not Correction.objects.exists()

    def test_csrf_is_enforced(self, csrf_client, dave):
        sign_in(csrf_client, dave)
        assert csrf_client.post(f"/en{ARTICLE}review/").status_code == 403
        assert csrf_client.post(f"/en{ARTICLE}corrections/", {"body": "x"}).status_code == 403
        assert _thai().review == ReviewStatus.MACHINE_ASSISTED and not Correction.objects.exists()

    def test_the_nav_links_the_page_for_editors_only(self, client, dave, alice):
        assert PAGE in sign_in(client, dave).get("/en/staff/").content.decode()
        assert PAGE not in sign_in(Client(), alice).get("/en/staff/").content.decode()
