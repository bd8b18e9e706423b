"""axe-core on every staff page a member can open, at 768 px (a tablet) in Vietnamese and English:
no violations. At 360 px (a phone, for visits to shelters and airports) no page scrolls sideways;
a wide table scrolls inside its own frame instead.

The pages are visited as the people who use them: alice (case manager) works a case, carol
(shelter) sees what was referred to her, oscar (administrator) runs his organisation, dave
(analyst) reads the statistics. Django's own admin (/admin/) is for the system administrator and
is not checked here.
"""

import datetime

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import Organisation, User
from haven.cases import referrals, services
from haven.cases.tests.helpers import ALL_CONSENT, make_case
from haven.conftest import CONTENT, PASSWORD, current_code
from haven.demo.participation import create_demo_consultations, create_demo_progress
from haven.exchange.export import cases_for_export, export_csv
from haven.hub import review
from haven.hub.content import load_content
from haven.hub.models import Article
from haven.lib.uploads import clean_upload
from haven.participation.models import Consultation
from haven.reports import services as report_services
from haven.reports.models import Report
from haven.tests.test_browser import (  # noqa: F401 (fixtures)
    PHONE,
    axe_violations,
    browser,
    personas,
    watch,
)

pytestmark = pytest.mark.browser

TABLET = {"width": 768, "height": 1024}

# Allowed to be wider than a phone: these scroll inside their own frame.
SCROLL_INSIDE = "table, pre, .table-scroll, .scroll"

OVERFLOW = """(inside) => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const element of document.querySelectorAll('body *')) {
    if (element.closest(inside)) continue;
    const box = element.getBoundingClientRect();
    if (box.width && box.right > width + 1) wide.push(element.tagName.toLowerCase() +
      (element.id ? '#' + element.id : '') +
      (element.className && typeof element.className === 'string'
        ? '.' + element.className.trim().split(/\\s+/).join('.') : '') +
      ' ' + Math.round(box.right) + 'px');
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}"""


def _world():
    """A report, a case with a person, consent, an event, a service, a task, a file, a note, a
    screening-free history and a pending referral to the shelter; returns the paths to visit."""
    report_services.submit_report(
        report_services.NewReport(
            country="VN",
            description="Em gái tôi bị giữ ở một xưởng may, không được về nhà.",
            exploitation_types=["ForcedLabour"],
        ),
        [],
    )
    report = Report.objects.get()
    alice = User.objects.get(username="alice")
    case = make_case(alice, consent=ALL_CONSENT)
    participant = case.participants.first()
    services.add_event(case, actor=alice, values={"type": "Recruitment", "country": "VN"})
    service = services.add_service(case, actor=alice, values={"type": "Health"})
    services.add_task(
        case, actor=alice, title="Gọi lại cho gia đình", due=datetime.date(2020, 1, 1)
    )
    services.add_note(case, actor=alice, body="Đã nói chuyện qua điện thoại.")
    services.add_attachment(case, actor=alice, file=clean_upload(b"Ghi chu cuoc goi."))
    shelter = Organisation.objects.get(name="Shelter HN")
    referrals.refer(
        case,
        actor=alice,
        to_organisation=shelter,
        reason="Cần chỗ ở an toàn.",
        sections=["summary", "exploitation"],
    )
    hotline = alice.organisation
    oscar = User.objects.get(username="oscar")
    create_demo_progress()  # some progress reports and comments wait for dave
    create_demo_consultations()
    consulting = {x.status: x.pk for x in Consultation.objects.all()}
    # A translation with a correction waiting for dave (content editor): a difference to read.
    load_content(CONTENT)
    thai = Article.objects.get(slug="what-is-trafficking", language="th")
    review.propose_correction(
        thai,
        thai.body.replace("การค้ามนุษย์", "การค้ามนุษย์ (แก้)", 1),
        actor=User.objects.get(username="admin"),
    )
    k = "/staff/participation/consultations"
    c = f"/staff/cases/{case.id}"
    return {
        "alice": [
            "/staff/",
            "/staff/account/",
            "/staff/notifications/",
            "/staff/password/",
            "/staff/tokens/",
            "/staff/triage/",
            f"/staff/triage/{report.id}/",
            "/staff/cases/",
            "/staff/cases/?scope=organisation",
            "/staff/cases/new/",
            "/staff/cases/tasks/",
            "/staff/cases/referrals/",
            f"{c}/",
            f"{c}/edit/",
            f"{c}/close/",
            f"{c}/refer/",
            f"{c}/people/new/",
            f"{c}/people/{participant.id}/",
            f"{c}/events/new/",
            f"{c}/services/new/",
            f"{c}/services/{service.id}/",
            f"{c}/consent/",
            f"{c}/screen/",
            f"{c}/tasks/new/",
            f"{c}/files/new/",
            "/staff/cases/exchange/",
        ],
        "carol": [
            "/staff/",
            "/staff/notifications/",
            "/staff/cases/referrals/",
            f"{c}/",
            f"{k}/",
            f"{k}/{consulting['open']}/",
        ],
        "oscar": [
            "/staff/",
            "/staff/participation/",
            "/staff/participation/spreadsheets/",
            "/staff/notifications/",
            f"/staff/organisations/{hotline.id}/",
            f"/staff/organisations/{hotline.id}/add/",
            f"/staff/members/{oscar.id}/",
            f"/staff/members/{alice.id}/",
            "/staff/services/",
            "/staff/services/add/",
        ],
        "dave": [
            "/staff/",
            "/staff/account/",
            "/staff/stats/",
            "/staff/participation/",
            "/staff/participation/spreadsheets/",
            f"{k}/",
            f"{k}/{consulting['open']}/",
            f"{k}/{consulting['published']}/",
            "/staff/translations/",
            "/staff/translations/th/what-is-trafficking/",
        ],
    }


def _sign_in(browser, live_server, username):  # noqa: F811
    """Sign in through the pages; analysts have no second factor."""
    user = User.objects.get(username=username)
    page = browser.new_page()
    page.goto(f"{live_server.url}/en/staff/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        page.fill("input[name=code]", current_code(user))
        page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/en/staff/")
    return page


def _import_preview(page, base, found):
    """The import check page, reached by uploading a file with a problem in it."""
    page.set_viewport_size(TABLET)
    page.goto(base + "/staff/cases/exchange/")
    alice = User.objects.get(username="alice")
    exported = "".join(export_csv(cases_for_export(alice.organisation)))
    header, row = exported.splitlines()[:2]
    broken = row.replace("Feminine", "?")  # the second row fails on its gender
    csv_text = "\n".join([header, row, broken]) + "\n"
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "cases.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}],
    )
    page.click("main form[enctype] button[type=submit]")
    page.locator("dl.facts").wait_for()
    if not page.locator("input[name=token]").count():
        found["/staff/cases/exchange/import/"] = [
            " ".join(page.locator("main").inner_text().split())
        ]
        return
    violations = axe_violations(page)
    if violations:
        found["/staff/cases/exchange/import/"] = violations


def _visit(page, base, path, viewport, found, overflow):
    response = page.goto(base + path)
    status = response.status if response else 0
    if status != 200:
        found[path] = [f"answered {status}"]
        return
    if viewport == TABLET:
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    else:
        measured = page.evaluate(OVERFLOW, SCROLL_INSIDE)
        if measured["scroll"] > measured["width"]:
            overflow[path] = measured


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_staff_page_passes_axe_on_a_tablet_and_fits_a_phone(
    browser,  # noqa: F811
    live_server,
    personas,  # noqa: F811
    language,
):
    paths = _world()
    found, overflow, problems = {}, {}, {}
    for username in ("alice", "carol", "oscar", "dave"):
        browser.clear_cookies()  # one context for the test: sign the last person out
        page = _sign_in(browser, live_server, username)
        problems[username] = watch(page)
        base = f"{live_server.url}/{language}"
        for viewport in (TABLET, PHONE):
            page.set_viewport_size(viewport)
            for path in paths[username]:
                _visit(page, base, path, viewport, found, overflow)
        if username == "alice":
            _import_preview(page, f"{live_server.url}/{language}", found)
        page.close()
    report = "\n".join(f"{url}:\n  " + "\n  ".join(items) for url, items in found.items())
    assert not found, report
    assert not overflow, overflow
    assert not any(problems.values()), problems
