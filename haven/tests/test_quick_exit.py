"""Quick exit on every public page, neutral tab titles, and the "stay safe online" note."""

import re

import pytest

from haven.lib.public_forms import form_token

PUBLIC = [
    "/vi/",
    "/en/articles/",
    "/vi/help/",
    "/vi/search/?q=x",
    "/vi/report/",
    "/vi/report/new/",
    "/vi/report/follow-up/",
    "/en/self-check/",
    "/vi/job-check/",
    "/vi/stats/",
]


@pytest.mark.django_db
class TestQuickExit:
    @pytest.mark.parametrize("path", PUBLIC)
    def test_every_public_page_has_it_with_a_plain_link(self, client, path):
        html = client.get(path).content.decode()
        link = re.search(r'<a id="quick-exit"[^>]*>', html)
        assert link and 'href="https://www.google.com/"' in link.group(0)
        assert 'src="/static/quick-exit.js"' in html
        assert "<script>" not in html  # no inline script: the policy allows only this site's files

    def test_the_address_is_a_setting(self, client, settings):
        settings.HAVEN_QUICK_EXIT_URL = "https://weather.example/"
        html = client.get("/vi/").content.decode()
        assert re.search(r'<a id="quick-exit"[^>]*href="https://weather.example/"', html)

    def test_staff_pages_do_not_have_it(self, client):
        assert 'id="quick-exit"' not in client.get("/en/staff/login/").content.decode()


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


@pytest.mark.django_db
class TestNeutralTitles:
    WORDS = ("report", "báo tin", "check", "kiểm tra", "safe", "an toàn", "result", "kết quả")

    def assert_neutral(self, html):
        assert not any(word in title(html).lower() for word in self.WORDS), title(html)

    @pytest.mark.parametrize(
        "path", ["/vi/report/", "/en/report/new/", "/en/report/follow-up/", "/vi/self-check/"]
    )
    def test_the_report_and_self_check_pages_have_neutral_titles(self, client, path):
        self.assert_neutral(client.get(path).content.decode())

    def test_the_result_and_the_receipt_too(self, client, hotline):
        data = {"form_token": form_token(), "q_long_hours": "yes", "country": "VN"}
        self.assert_neutral(client.post("/en/self-check/", data).content.decode())
        from haven.reports.tests.helpers import report_data

        response = client.post("/en/report/new/", report_data())
        assert response.status_code == 201
        self.assert_neutral(response.content.decode())


@pytest.mark.django_db
def test_the_report_form_says_how_to_stay_safe_online(client):
    html = client.get("/vi/report/new/").content.decode()
    note = html[html.index('class="stay-safe"') :]
    assert "cửa sổ ẩn danh" in note and "xóa lịch sử" in note
    html = client.get("/en/report/new/").content.decode()
    assert "private window" in html and "history" in html
