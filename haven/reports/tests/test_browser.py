"""The report form walked in Chromium on a 360-pixel phone: one step per screen, check your
answers, Back and Forward, with and without JavaScript; then the follow-up page. axe-core on each."""

import io
import os
import random
from pathlib import Path

import pytest
from PIL import Image

from haven.conftest import CONTENT
from haven.hub.content import load_content
from haven.reports.models import Report
from haven.reports.tests.helpers import jpeg_with_gps
from haven.tests.test_browser import (  # noqa: F401 (fixtures)
    PHONE,
    assert_accessible,
    browser,
    personas,
    watch,
)

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("HAVEN_SHOTS", "")) if os.environ.get("HAVEN_SHOTS") else None


def shoot(page, name: str) -> None:
    """Screenshots for a person to look at (set HAVEN_SHOTS to a folder)."""
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def big_photo(path: Path) -> None:
    """A 2,400 by 1,800 photo of a few megabytes, with location data, as a phone takes it."""
    image = Image.frombytes("RGB", (2400, 1800), random.Random(13).randbytes(2400 * 1800 * 3))
    image.save(path, "JPEG", quality=90)
    path.with_name("small.jpg").write_bytes(jpeg_with_gps())


def accessible(page, javascript: bool = True) -> None:
    # axe-core runs as a script in the page: the pages are the same with JavaScript off.
    if javascript:
        assert_accessible(page)


def visible(page, selector: str) -> bool:
    return page.locator(selector).is_visible()


def walk_to_check(page, base: str, name: str, javascript: bool) -> None:
    page.goto(f"{base}/report/")
    page.check("input[name=danger_now][value=no]")
    page.click("main button[type=submit]")
    assert visible(page, "#id_when") and not visible(page, "#id_description")
    shoot(page, f"{name}-1-where")
    page.fill("#id_when", "tối qua")
    page.click("#step-where a.button")
    assert visible(page, "#id_description") and not visible(page, "#id_when")
    page.fill("#id_description", "Có ba cô gái bị nhốt trong xưởng may.")
    page.check("input[name=exploitation_types][value=ForcedLabour]")
    shoot(page, f"{name}-2-what")
    accessible(page, javascript)
    # The browser's Back and Forward move between steps and keep every answer.
    page.go_back()
    assert visible(page, "#id_when") and page.input_value("#id_when") == "tối qua"
    page.go_forward()
    assert page.input_value("#id_description") == "Có ba cô gái bị nhốt trong xưởng may."
    page.click("#step-what a.button")
    page.fill("#id_people_count", "3")
    page.check("input[name=children_involved][value=no]")
    shoot(page, f"{name}-3-who")
    page.click("#step-who a.button")
    shoot(page, f"{name}-4-contact")
    page.click("button.to-check")
    page.locator("button.send").wait_for()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_report_one_step_at_a_time_checked_then_sent(
    browser,  # noqa: F811
    live_server,
    personas,  # noqa: F811
    tmp_path,
    javascript,
):
    load_content(CONTENT)
    context = browser.browser.new_context(java_script_enabled=javascript, viewport=PHONE)
    page = context.new_page()
    problems = watch(page)
    base = f"{live_server.url}/vi"
    name = "report-js" if javascript else "report-nojs"
    walk_to_check(page, base, name, javascript)
    main = page.inner_text("main")
    assert "Kiểm tra lại câu trả lời" in main and "tối qua" in main and "Bị ép làm việc" in main
    assert Report.objects.count() == 0  # nothing is stored before "Send"
    shoot(page, f"{name}-5-check")
    accessible(page, javascript)
    # "Change" goes back to that step with every answer kept.
    page.click("button[name=change][value=what]")
    assert visible(page, "#id_description")
    assert page.input_value("#id_description") == "Có ba cô gái bị nhốt trong xưởng may."
    page.fill("#id_description", "Có bốn cô gái bị nhốt trong xưởng may.")
    page.click("#step-what a.button")
    page.click("#step-who a.button")
    page.click("button.to-check")
    assert "bốn cô gái" in page.inner_text("main") and "tối qua" in page.inner_text("main")
    photo = tmp_path / "IMG_2041.jpg"
    big_photo(photo)
    requests = []
    page.on("request", lambda request: requests.append((request.resource_type, request.url)))
    assert page.locator("form .upload-progress").count() == (1 if javascript else 0)
    page.set_input_files("input[name=files]", str(photo))
    page.click("button.send")
    receipt = page.locator("#receipt").inner_text()
    report = Report.objects.get()
    assert report.description.startswith("Có bốn") and report.when == "tối qua"
    assert report.attachments.count() == 1 and report.people_count == 3
    stored = Image.open(io.BytesIO(report.attachments.get().data))
    if javascript:  # shrunk in the browser, then sent with a progress bar
        assert max(stored.size) == 1600 and ("xhr", f"{base}/report/new/") in requests
    else:  # the plain upload still works
        assert stored.size == (2400, 1800)
    shoot(page, f"{name}-6-receipt")
    accessible(page, javascript)

    # The reporter comes back, sees what they sent, and adds a line and a file.
    page.goto(f"{base}/report/follow-up/")
    page.fill("input[name=receipt]", receipt)
    page.click("main button[type=submit]")
    main = page.inner_text("main")
    assert "Nội dung bạn đã gửi" in main and "bốn cô gái" in main and report.reference not in main
    shoot(page, f"{name}-7-follow-up")
    accessible(page, javascript)
    page.fill("textarea[name=body]", "Họ chuyển đi tối nay.")
    page.set_input_files("input[name=files]", str(tmp_path / "small.jpg"))
    page.click("main form button[type=submit]")
    page.locator(".notice").wait_for()
    assert "Họ chuyển đi tối nay." in page.inner_text("main")
    assert report.messages.get().attachments.count() == 1
    assert page.context.cookies() == []
    assert problems == []
    context.close()


def test_a_missing_answer_is_shown_at_the_top_with_a_link_to_it(browser, live_server, personas):  # noqa: F811
    context = browser.browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/report/new/")
    page.click("#step-where a.button")
    page.click("#step-what a.button")
    page.click("#step-who a.button")
    page.click("button.to-check")
    summary = page.locator(".error-summary")
    assert "There is a problem" in summary.inner_text()
    page.click(".error-summary a")
    assert visible(page, "#id_description")
    shoot(page, "report-error-summary")
    assert_accessible(page)
    assert Report.objects.count() == 0
    context.close()
