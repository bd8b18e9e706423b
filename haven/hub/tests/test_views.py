"""Public pages of the hub: no login, light, in the reader's language."""

import re
from pathlib import Path

import pytest

PAGES = [
    "/vi/",
    "/en/",
    "/vi/articles/",
    "/en/articles/actip/",
    "/vi/help/",
    "/vi/help/vn/",
    "/en/search/?q=passport",
]


@pytest.mark.django_db
class TestHome:
    def test_the_three_actions_come_first(self, client):
        html = client.get("/en/").content.decode()
        main = html[html.index("<main") :]
        positions = [
            main.index(text) for text in ("Get help now", "Check a job offer", "Report anonymously")
        ]
        assert positions == sorted(positions) and positions[0] < main.index("<form")
        assert 'href="/en/help/vn/"' in html
        assert 'href="/en/job-check/"' in html
        assert 'href="/en/report/"' in html
        assert 'href="tel:111"' in html

    def test_the_danger_box_gives_the_emergency_and_anti_trafficking_numbers(self, client):
        html = client.get("/vi/").content.decode()
        box = html[html.index('id="danger-title"') :]
        box = box[: box.index("</section>")]
        assert "Đang gặp nguy hiểm? Hãy gọi" in box
        assert 'href="tel:113"' in box and 'href="tel:111"' in box
        assert 'href="/vi/help/"' in box

    def test_it_is_vietnamese_under_vi(self, client):
        html = client.get("/vi/").content.decode()
        assert "Tìm trợ giúp ngay" in html and "Báo tin ẩn danh" in html

    @pytest.mark.parametrize("path", PAGES)
    def test_pages_are_light(self, client, path):
        from django.contrib.staticfiles import finders

        response = client.get(path)
        assert response.status_code == 200
        css = Path(finders.find("haven.css")).stat().st_size
        assert len(response.content) + css < 50_000, path

    @pytest.mark.parametrize("path", PAGES)
    def test_pages_load_nothing_from_elsewhere(self, client, path):
        html = client.get(path).content.decode()
        for attribute in ('src="http', "src='http", 'href="//', "@import"):
            assert attribute not in html, (path, attribute)
        # Scripts only from this site's static files (quick exit), never inline.
        scripts = re.findall(r"<script[^>]*>", html)
        assert all(tag.startswith('<script src="/static/') for tag in scripts), scripts
        assert 'rel="stylesheet" href="/static/' in html


@pytest.mark.django_db
class TestLibraryAndArticles:
    def test_the_library_lists_articles_by_kind(self, client):
        html = client.get("/en/articles/").content.decode()
        guides, rights, laws = (
            html.index(">Guides<"),
            html.index(">Your rights<"),
            html.index(">Laws and agreements<"),
        )
        assert guides < rights < laws
        assert html.index("/en/articles/actip/") > laws

    def test_an_article_shows_its_sources_and_review_date(self, client):
        response = client.get("/en/articles/vietnam-law-2024/")
        html = response.content.decode()
        assert "<h1>" in html and "Sources" in html and "Facts last checked on" in html
        assert 'href="https://' in html

    def test_links_between_articles_follow_the_language(self, client):
        html = client.get("/vi/articles/what-is-trafficking/").content.decode()
        assert 'href="/vi/articles/' in html and 'href="article:' not in html

    def test_an_unknown_article_is_404(self, client):
        assert client.get("/en/articles/no-such-thing/").status_code == 404

    def test_the_same_article_in_the_other_language(self, client):
        html = client.get("/vi/articles/actip/").content.decode()
        assert 'href="/en/articles/actip/"' in html


@pytest.mark.django_db
class TestHelpPages:
    def test_viet_nam_has_a_click_to_call_111(self, client):
        html = client.get("/vi/help/vn/").content.decode()
        assert 'href="tel:111"' in html
        assert "Haven kiểm tra lần cuối ngày " in html and "ngày Ngày" not in html

    def test_unconfirmed_numbers_say_so_calmly(self, client):
        html = client.get("/en/help/la/").content.decode()
        line = html[html.index('href="tel:1362"') :]
        line = line[: line.index("</li>")]
        assert "Haven has not yet confirmed this number with an official source." in line
        assert "badge note" in line and "may be wrong" not in html

    def test_a_country_without_a_national_line_says_so(self, client):
        html = client.get("/en/help/mm/").content.decode()
        assert "callout" in html and "embassy" in html.lower()

    @pytest.mark.parametrize("code", ["xx", "fr", "VN", "v"])
    def test_unknown_countries_are_404(self, client, code):
        assert client.get(f"/en/help/{code}/").status_code == 404

    def test_the_index_lists_all_ten(self, client):
        html = client.get("/en/help/").content.decode()
        assert html.count('href="/en/help/') == 10 + 1  # ten countries and the menu
        assert html.index("/en/help/vn/") < html.index("/en/help/bn/")  # home country first


@pytest.mark.django_db
class TestSearchPage:
    def test_it_shows_results_with_highlights(self, client):
        html = client.get("/vi/search/?q=duong+day+nong").content.decode()
        assert "<mark>" in html and 'href="/vi/help/vn/"' in html

    def test_an_empty_search_shows_the_form(self, client):
        response = client.get("/vi/search/")
        assert response.status_code == 200 and 'name="q"' in response.content.decode()

    def test_a_bad_query_is_explained(self, client):
        response = client.get("/vi/search/?q=")
        assert response.status_code == 422
        assert "Hãy gõ một vài từ" in response.content.decode()

    def test_a_long_query_is_explained(self, client):
        response = client.get("/en/search/", {"q": "x" * 300})
        assert response.status_code == 422 and "at most 200" in response.content.decode()

    def test_the_other_language_helps_when_nothing_is_found(self, client):
        html = client.get("/vi/search/?q=smuggling").content.decode()
        assert "Có kết quả bằng ngôn ngữ kia" in html and 'hreflang="en"' in html

    def test_a_search_with_no_result_never_dead_ends(self, client):
        html = client.get("/vi/search/?q=zzqxv").content.decode()
        main = html[html.index("<main") :]
        assert 'href="tel:111"' in main and 'href="/vi/help/"' in main
        assert 'href="/vi/self-check/"' in main and 'href="/vi/job-check/"' in main

    def test_results_do_not_show_the_dead_end_help(self, client):
        html = client.get("/vi/search/?q=duong+day+nong").content.decode()
        assert 'class="no-result"' not in html

    def test_an_english_query_on_the_vietnamese_site_offers_the_english_one(self, client):
        html = client.get("/vi/search/", {"q": "how to report forced labour"}).content.decode()
        offer = html[html.index('class="other-language"') :]
        assert 'href="/en/search/?q=how+to+report+forced+labour"' in offer[: offer.index("</p>")]

    def test_a_vietnamese_query_on_the_english_site_offers_the_vietnamese_one(self, client):
        html = client.get("/en/search/", {"q": "lao động cưỡng bức"}).content.decode()
        offer = html[html.index('class="other-language"') :]
        link = 'href="/vi/search/?q=lao+%C4%91%E1%BB%99ng+c%C6%B0%E1%BB%A1ng+b%E1%BB%A9c"'
        assert link in offer[: offer.index("</p>")] and 'lang="vi"' in offer

    def test_a_query_in_the_page_language_offers_nothing(self, client):
        html = client.get("/vi/search/", {"q": "lao động cưỡng bức"}).content.decode()
        assert 'class="other-language"' not in html

    def test_a_typo_is_corrected_visibly(self, client):
        html = client.get("/en/search/?q=traficking").content.decode()
        assert "Showing results for <strong>trafficking</strong>" in html

    def test_the_query_is_escaped(self, client):
        html = client.get("/en/search/", {"q": "<script>alert(1)</script> visa"}).content.decode()
        assert "<script>alert" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_public_pages_only_answer_reading(client, path):
    assert client.post(path).status_code == 405
