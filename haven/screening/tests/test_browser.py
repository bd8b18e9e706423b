"""The public self-check and job check in real Chromium, on a small phone, without JavaScript needs."""

import pytest

from haven.conftest import CONTENT
from haven.hub.content import load_content
from haven.tests.test_browser import browser, personas, watch  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_a_worker_completes_the_self_check_in_vietnamese(browser, live_server, personas):  # noqa: F811
    load_content(CONTENT)
    page = browser.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    problems = watch(page)
    page.goto(f"{live_server.url}/vi/self-check/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for question in ("long_hours", "little_pay", "passport_kept", "cut_off"):
        page.check(f"input[name=q_{question}][value=yes]")
    page.check("input[name=q_hurt][value=unknown]")
    page.check("input[name=q_job_different][value=no]")
    page.select_option("select[name=country]", "VN")
    page.click("main button[type=submit]")
    page.wait_for_url("**/vi/self-check/")
    main = page.locator("main").inner_text()
    assert "Kết quả của bạn" in main
    assert "Dấu hiệu rõ của lao động cưỡng bức" in main
    assert "Trợ giúp tại Việt Nam" in main
    assert page.locator('a[href="tel:111"]').count() >= 1
    assert "long_hours" not in page.url and "yes" not in page.url  # answers were posted
    assert page.context.cookies() == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The person decides to turn the answers into a report, and sees it before anything is sent.
    page.click("text=Soạn tin báo ẩn danh")
    description = page.locator("textarea[name=description]").input_value()
    assert description.startswith("Tôi đã làm bài tự kiểm tra trên Haven.")
    assert problems == []


def test_a_job_offer_is_checked_on_a_small_phone(browser, live_server, personas):  # noqa: F811
    load_content(CONTENT)
    page = browser.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    problems = watch(page)
    page.goto(f"{live_server.url}/en/job-check/")
    page.fill(
        "textarea[name=text]",
        "URGENT! Customer service in Sihanoukville, $2,000/month, free flights, no visa needed. "
        "Telegram only.",
    )
    page.click("main button[type=submit]")
    page.locator("#result").wait_for()
    assert "High risk" in page.locator("#result h2").inner_text()
    assert page.locator("#result q", has_text="no visa needed").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.click("text=Read the guide: fake job offers and how to check one")
    page.wait_for_url("**/en/articles/fake-job-offers/")
    assert problems == []
