"""A working day in Chromium, at 768 px (a tablet), as the people who do it.

bob triages a report of someone in danger (a photo, a follow-up message from the reporter) and
gives it to alice; alice opens a case from it, adds the person with Vietnamese labels only,
records consent in plain words and refers the case to Shelter HN; carol hears of it, reads the
request (no name), accepts, and works her part (a note, a task, a service, a message in the
referral's thread); alice sees the service and carol's message; oscar sees his team's workload;
alice exports the HTCDS workbook and CSV from the buttons, and both hold what was recorded.

One browser profile: each person's session cookies are kept and put back when it is their turn.
"""

import csv
import io

import pytest
from PIL import Image

from haven.accounts.models import User
from haven.cases.models import Case, Referral
from haven.lib.uploads import clean_upload
from haven.notifications.models import Notification
from haven.reports import services as report_services
from haven.reports.models import Report
from haven.tests.test_accessibility_staff import TABLET, _sign_in
from haven.tests.test_browser import browser, personas, watch  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def see(page, text):
    """Wait for the text (after a form post, the next page takes a moment)."""
    page.get_by_text(text).first.wait_for()


class Day:
    """Who is at the keyboard: one page each, their cookies swapped in on their turn."""

    def __init__(self, browser, live_server):  # noqa: F811
        self.browser, self.base = browser, live_server.url
        self.live_server = live_server
        self.sessions, self.problems = {}, []

    def turn(self, username):
        self.browser.clear_cookies()
        if username in self.sessions:
            cookies, page = self.sessions[username]
            self.browser.add_cookies(cookies)
        else:
            page = _sign_in(self.browser, self.live_server, username)
            page.set_viewport_size(TABLET)
            page.set_default_timeout(10_000)
            self.problems += watch(page)
        self.sessions[username] = (None, page)
        self.current = username
        return page

    def done(self):
        cookies = self.browser.cookies()
        self.sessions[self.current] = (cookies, self.sessions[self.current][1])

    def go(self, page, path, language="en"):
        response = page.goto(f"{self.base}/{language}{path}")
        assert response.status == 200, path
        assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"], path
        return page


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue()


def _danger_report() -> Report:
    report, _receipt = report_services.submit_report(
        report_services.NewReport(
            country="VN",
            description="Em gái tôi bị giữ ở Bavet, họ đòi tiền chuộc.",
            exploitation_types=["ForcedLabour"],
            danger_now=True,
        ),
        [clean_upload(_photo())],
    )
    report_services.add_reporter_message(report, "Họ vừa chuyển em tôi sang nhà khác.", [])
    return report


def _bob_triages(day, report):
    bob = day.turn("bob")
    day.go(bob, "/staff/triage/")
    row = bob.locator("tr.urgent").first  # danger first
    assert report.reference in row.inner_text() and "Danger now" in row.inner_text()
    assert "New message" in row.inner_text()  # the reporter wrote after reporting
    row.locator("input[name=reports]").check()
    bob.select_option("#id_member", label="Alice Nguyen")  # by name, never a username
    bob.click("form#bulk button[type=submit]")
    bob.locator("tbody td", has_text="Alice Nguyen").first.wait_for()
    report.refresh_from_db()
    assert report.assigned_to.username == "alice"
    day.done()


def _alice_opens_and_refers(day, report):
    alice = day.turn("alice")
    day.go(alice, f"/staff/triage/{report.pk}/")
    alice.click("text=Open a case from this report")
    alice.wait_for_url("**/staff/cases/*/")
    case = Case.objects.get()
    assert case.risk == "high"  # danger now: not "medium"
    assert case.attachments.get().kind == "image"  # the photo, re-encrypted under the case
    notes = alice.locator("#notes ~ ol.thread").inner_text()
    assert "Họ vừa chuyển em tôi sang nhà khác." in notes
    files = alice.locator("section[aria-labelledby=files] ul a")
    assert files.count() == 1 and files.inner_text().startswith("photo ·")  # words, not "image"

    day.go(alice, f"/staff/cases/{case.pk}/people/new/", language="vi")
    alice.fill("input[name='person-first_name']", "Lan")
    alice.fill("input[name='person-middle_name']", "Thị")
    alice.fill("input[name='person-second_name']", "Trần")
    alice.select_option("select[name='person-gender']", label="Nữ")
    alice.select_option("select[name='person-primary_language']", label="Tiếng Việt")
    alice.fill("input[name='person-mobile_phone']", "0912 345 678")
    alice.select_option("select[name='details-role']", "victim")
    alice.click("main button[type=submit]")
    alice.wait_for_url(f"**/vi/staff/cases/{case.pk}/")
    person = case.participants.get().person
    assert (person.gender, person.primary_language) == ("Feminine", "vie")
    assert (person.middle_name, person.mobile_phone) == ("Thị", "+84912345678")

    day.go(alice, f"/staff/cases/{case.pk}/consent/")
    main = alice.locator("main").inner_text()
    assert "Does the person agree that Hotline VN" in main
    alice.select_option("select[name=person]", label=f"Lan Thị Trần ({person.pseudonym})")
    for item in ("interview", "purpose", "use_of_data"):
        alice.check(f"input[name={item}][value=yes]")
    alice.click("main button[type=submit]")
    see(alice, "Consent recorded.")

    day.go(alice, f"/staff/cases/{case.pk}/refer/")
    alice.select_option("select[name=to_organisation]", label="Shelter HN")
    alice.check("input[name=sections][value=exploitation]")
    alice.click("main button[type=submit]")
    see(alice, "Referred to Shelter HN.")
    day.done()
    return case


def _carol_accepts_and_works(day, case):
    carol = day.turn("carol")
    nav = carol.locator("nav.staff")
    assert "1 unread" in nav.inner_text()  # the header's count
    day.go(carol, "/staff/notifications/")
    assert "Your organisation received a referral" in carol.locator("main").inner_text()
    nav.locator("a", has_text="Referrals").click()  # with its count, to the pending ones
    carol.wait_for_url("**/staff/cases/referrals/?direction=incoming&state=pending")
    carol.click(f"text={case.reference}")
    see(carol, "Referral request")
    request = carol.locator("main").inner_text()
    assert "Lan" not in request and "Thị" not in request and "0912" not in request
    assert "High" in request and "Viet" in request  # urgency and country, in words
    carol.click("main button:has-text('Accept')")
    see(carol, "Referral accepted.")
    assert Referral.objects.get().state == "accepted"

    carol.fill("#id_body", "Chị ấy đã đến nhà tạm lánh lúc 9 giờ.")
    carol.click("text=Add the note")
    see(carol, "Chị ấy đã đến nhà tạm lánh lúc 9 giờ.")
    day.go(carol, f"/staff/cases/{case.pk}/tasks/new/")
    carol.fill("input[name=title]", "Đưa chị ấy đi khám")
    carol.fill("input[name=due]", "2030-01-15")
    carol.select_option("select[name=assigned_to]", label="Carol Pham")
    carol.click("main button[type=submit]")
    see(carol, "Đưa chị ấy đi khám")
    day.go(carol, f"/staff/cases/{case.pk}/services/new/")
    carol.select_option("select[name=type]", "Health")
    carol.fill("textarea[name=objectives]", "Khám sức khỏe tổng quát")
    carol.click("main button[type=submit]")
    see(carol, "Khám sức khỏe tổng quát")
    carol.click("section[aria-labelledby=referrals] summary")  # the thread, folded while empty
    carol.fill("textarea[name=body][id^=message-]", "Chúng tôi đã nhận chị ấy.")
    carol.click("section[aria-labelledby=referrals] button:has-text('Send')")
    see(carol, "Message sent.")
    day.done()


def _alice_reads_and_exports(day, case, tmp_path):
    alice = day.turn("alice")
    day.go(alice, f"/staff/cases/{case.pk}/")
    support = alice.locator("section[aria-labelledby=support]").inner_text()
    assert "Khám sức khỏe tổng quát" in support and "Shelter HN" in support
    thread = alice.locator("section[aria-labelledby=referrals]").inner_text()
    assert "Chúng tôi đã nhận chị ấy." in thread and "Carol Pham" in thread
    notes = alice.locator("#notes ~ ol.thread").inner_text()
    assert "nhà tạm lánh" not in notes  # the shelter's own note stays the shelter's
    alice_user = User.objects.get(username="alice")
    told = Notification.objects.filter(recipient=alice_user, kind="referral.message")
    assert told.count() == 1

    files = {}
    for choice in ("xlsx", "csv-excel"):
        day.go(alice, "/staff/cases/exchange/")
        alice.check(f"input[name=format][value={choice}]")
        with alice.expect_download() as waiting:
            alice.click("main form[method=get] button[type=submit]")
        path = tmp_path / waiting.value.suggested_filename
        waiting.value.save_as(path)
        files[choice] = path
    day.done()
    return files


def _cells(path) -> set[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    return {
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    }


def test_a_working_day(browser, live_server, personas, tmp_path):  # noqa: F811
    report = _danger_report()
    day = Day(browser, live_server)
    _bob_triages(day, report)
    case = _alice_opens_and_refers(day, report)
    _carol_accepts_and_works(day, case)

    oscar = day.turn("oscar")
    day.go(oscar, "/staff/")
    team = oscar.locator("table").inner_text()
    row = next(line for line in team.splitlines() if line.startswith("Alice Nguyen"))
    assert row.split("\t")[1:] == ["1", "0"]  # one open case, nothing overdue
    assert "alice" not in team  # display names, never usernames
    day.done()

    files = _alice_reads_and_exports(day, case, tmp_path)
    assert files["xlsx"].suffix == ".xlsx" and files["csv-excel"].suffix == ".csv"
    cells = _cells(files["xlsx"])
    assert "Thị" in cells and "Shelter HN" in cells
    raw = files["csv-excel"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["prs_MiddleName"] == "Thị"
    assert rows[0]["cas_ReferredOrganisation"] == "Shelter HN"
    assert day.problems == []
