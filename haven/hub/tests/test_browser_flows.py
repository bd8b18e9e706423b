"""The public flows issue 13 names, walked in real Chromium on a 360 x 740 phone in Vietnamese:
an empty self-check, a self-check that shows danger, help for a Vietnamese person in Thailand,
and a search with no result. Each page is checked for sideways scrolling, console errors and
requests to another origin (`watch`)."""

# ruff: noqa: F811 (pytest fixtures imported by name)

import pytest

from haven.conftest import CONTENT
from haven.hub.content import load_content
from haven.tests.test_browser import PHONE, browser, personas, watch  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def _phone(browser, live_server):
    load_content(CONTENT)
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    return page


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_empty_self_check_gives_no_verdict_and_asks_for_an_answer(
    browser, live_server, personas
):
    page = _phone(browser, live_server)
    problems = watch(page)
    page.goto(f"{live_server.url}/vi/self-check/")
    page.click("main button[type=submit]")
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "Hãy trả lời có hoặc không cho ít nhất một câu để xem kết quả." in summary.inner_text()
    main = page.locator("main").inner_text()
    assert "Kết quả của bạn" not in main and "không có dấu hiệu" not in main
    # The only console line is the page's own 422 answer to an empty form.
    assert _fits(page) and all("422" in problem for problem in problems)


def test_a_passport_kept_and_no_way_out_opens_with_who_to_call_now(browser, live_server, personas):
    page = _phone(browser, live_server)
    problems = watch(page)
    page.goto(f"{live_server.url}/vi/self-check/")
    page.check("input[name=q_passport_kept][value=yes]")
    page.check("input[name=q_cannot_leave][value=yes]")
    page.select_option("select[name=country]", "TH")
    page.click("main button[type=submit]")
    call_now = page.locator("section.call-now")
    call_now.wait_for()
    # The red panel comes before the verdict, with numbers to tap and the report as a button.
    assert page.evaluate(
        "document.querySelector('section.call-now').compareDocumentPosition("
        "document.querySelector('section.result')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    assert "Bạn có thể đang gặp nguy hiểm. Hãy gọi nhờ giúp đỡ ngay." in call_now.inner_text()
    assert call_now.locator('a[href^="tel:"]').count() >= 2
    assert call_now.locator("button, a.button").count() >= 1
    # Advice never contradicts an answer: nobody whose passport is held is told to keep it.
    assert "Hãy tự giữ hộ chiếu" not in page.locator("main").inner_text()
    assert _fits(page) and problems == []


def test_a_vietnamese_person_in_thailand_finds_their_embassy_and_can_change_nationality(
    browser, live_server, personas
):
    page = _phone(browser, live_server)
    problems = watch(page)
    page.goto(f"{live_server.url}/vi/help/th/")
    main = page.locator("main")
    # Nationality follows the page language: Vietnamese, so Viet Nam's embassy in Bangkok.
    assert "Đại sứ quán Việt Nam tại Thái Lan" in main.inner_text()
    assert main.locator('a[href="tel:+6622513552"]').count() == 1
    assert _fits(page)
    page.select_option("select[name=for]", "KH")
    page.locator("form.nationality button").click()
    page.wait_for_url("**/vi/help/th/?for=KH*")
    text = page.locator("main").inner_text()
    assert "Đại sứ quán Việt Nam tại Thái Lan" not in text
    assert "Campuchia" in text
    assert _fits(page) and problems == []


def test_a_search_with_no_result_leads_to_help(browser, live_server, personas):
    page = _phone(browser, live_server)
    problems = watch(page)
    page.goto(f"{live_server.url}/vi/search/?q=zzqxv")
    main = page.locator("main")
    assert main.locator('a[href^="tel:"]').count() >= 1
    for path in ("/vi/self-check/", "/vi/job-check/", "/vi/help/"):
        assert main.locator(f'a[href="{path}"]').count() >= 1, path
    page.fill("main input[name=q]", "how to report forced labour")
    page.locator("main form button").first.click()
    page.wait_for_url("**/vi/search/?q=how+to+report+forced+labour")
    page.locator(".other-language a").first.click()
    page.wait_for_url("**/en/search/?q=how+to+report+forced+labour")
    assert page.locator("main a[href^='/en/articles/']").count() >= 1
    assert _fits(page) and problems == []
