"""The issue's scenario in Chromium: dave opens a consultation on a draft national plan; carol
comments on section 2 and proposes an amendment; an anonymous visitor comments; dave moderates,
closes, answers the proposal and publishes the response; the public report shows the answer;
carol is notified. axe-core on each new page along the way."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import User
from haven.conftest import PASSWORD, current_code
from haven.notifications.models import Notification
from haven.participation.models import Consultation, Contribution
from haven.tests.test_browser import (  # noqa: F401 (fixtures)
    PHONE,
    TABLET,
    axe_violations,
    browser,
    personas,
    watch,
)

pytestmark = pytest.mark.browser
STAFF = "/en/staff/participation"
PLAN = (
    "## Prevention\nAwareness sessions in every school.\n\n"
    "## Protection\nOne shelter in each province.\n\n"
    "## Prosecution\nTraining for judges."
)
AMENDMENT = "One shelter in each province, and a safe house in every district."
REASON = "Partly accepted: a safe house in every border district first."


def sign_in(browser, live_server, username):  # noqa: F811
    browser.clear_cookies()
    user = User.objects.get(username=username)
    page = browser.new_page()
    page.set_viewport_size(TABLET)
    page.goto(f"{live_server.url}/en/staff/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        page.fill("input[name=code]", current_code(user))
        page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/en/staff/")
    return page


def check(page, found):
    violations = axe_violations(page)
    if violations:
        found[page.url] = violations


def dave_opens(browser, live_server, found):  # noqa: F811
    page = sign_in(browser, live_server, "dave")
    page.goto(f"{live_server.url}{STAFF}/consultations/")
    check(page, found)
    today = timezone.localdate()
    page.fill("#title", "Draft national plan against trafficking 2026")
    page.fill("#summary", "The Ministry asks for comments on its draft national plan.")
    page.fill("#sections", PLAN)
    page.fill("#opens", today.isoformat())
    page.fill("#closes", (today + timedelta(days=30)).isoformat())
    page.click("main form button[type=submit]")
    page.click("form[action$='/phase/'] button")
    consultation = Consultation.objects.get()
    assert consultation.status == "open" and len(consultation.sections) == 3
    check(page, found)
    page.close()
    return consultation


def carol_takes_part(browser, live_server, consultation, found):  # noqa: F811
    page = sign_in(browser, live_server, "carol")
    page.goto(f"{live_server.url}{STAFF}/consultations/{consultation.pk}/")
    page.click("#section-2 details summary")
    page.fill("#body-2", "Shelters need staff trained in counselling.")
    page.click("#section-2 details button[type=submit]")
    page.click("#section-2 details summary")
    page.check("#section-2 details input[value=amendment]")
    page.fill("#body-2", AMENDMENT)
    page.click("#section-2 details button[type=submit]")
    page.locator("#section-2 .diff ins").first.wait_for()
    assert "Shelter HN" in page.locator("#section-2").inner_text()
    check(page, found)
    page.close()


def visitor_comments(browser, live_server, consultation, found):  # noqa: F811
    browser.clear_cookies()
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/vi/consultations/{consultation.pk}/")
    page.select_option("#section", "2")
    page.fill("#body", "Xin mở nhà tạm lánh ở huyện biên giới.")
    page.click("main form button[type=submit]")
    page.locator("#sent").wait_for()
    check(page, found)
    page.close()


def dave_answers(browser, live_server, consultation, found):  # noqa: F811
    page = sign_in(browser, live_server, "dave")
    page.goto(f"{live_server.url}{STAFF}/")
    page.click("form[action*='/contributions/'] button[value=accept]")
    page.goto(f"{live_server.url}{STAFF}/consultations/{consultation.pk}/")
    page.click("form[action$='/phase/'] button")  # close
    page.locator("form[action$='/answer/']").wait_for()
    check(page, found)
    page.check("form[action$='/answer/'] input[value=partly_accepted]")
    page.fill("form[action$='/answer/'] textarea", REASON)
    page.click("form[action$='/answer/'] button[type=submit]")
    page.fill("#response", "We heard 3 contributions and changed section 2.")
    page.click("form[action$='/phase/'] button")  # publish the response
    page.locator("a[href$='/response/']").wait_for()
    page.close()


def test_a_consultation_from_draft_to_published_response(browser, live_server, personas):  # noqa: F811
    found = {}
    consultation = dave_opens(browser, live_server, found)
    carol_takes_part(browser, live_server, consultation, found)
    visitor_comments(browser, live_server, consultation, found)
    dave_answers(browser, live_server, consultation, found)
    consultation.refresh_from_db()
    assert consultation.status == "published"
    assert Contribution.objects.filter(organisation=None, moderation="published").count() == 1
    browser.clear_cookies()
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    problems = watch(page)
    page.goto(f"{live_server.url}/en/consultations/{consultation.pk}/response/")
    report = page.locator("main").inner_text()
    assert REASON in report and "Partly accepted" in report and "Shelter HN" in report
    check(page, found)
    page.emulate_media(media="print")  # the print stylesheet keeps only the report
    assert page.locator("header.site").is_hidden() and page.locator("nav.public").is_hidden()
    assert page.locator("table.response").is_visible()
    assert page.pdf(format="A4").startswith(b"%PDF")
    page.emulate_media(media="screen")
    page.goto(f"{live_server.url}/en/consultations/{consultation.pk}/")
    assert "Xin mở nhà tạm lánh" in page.locator("#section-2").inner_text()
    assert problems == []
    carol = User.objects.get(username="carol")
    assert Notification.objects.filter(recipient=carol, kind="proposal.answered").count() == 1
    assert not found, found
