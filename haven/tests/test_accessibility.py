"""axe-core on every public page, in Vietnamese and English, on a 360 by 740 phone: no violations;
the home page in Thai, Khmer, Lao and Burmese too.

Pages reached by a form (results, the receipt, a report's status) are reached the way a visitor
reaches them, by filling in the form.
"""

import pytest

from haven.conftest import CONTENT
from haven.demo.participation import create_demo_consultations, create_demo_progress
from haven.hub.content import load_content
from haven.participation.models import Consultation
from haven.stats.tests.builders import add_victims
from haven.stats.tests.records import make_source, repeat
from haven.tests.test_browser import (  # noqa: F401 (fixtures)
    PHONE,
    axe_violations,
    browser,
    personas,
    watch,
)

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/articles/",
    "/articles/fake-job-offers/",
    "/help/",
    "/help/vn/",
    "/help/th/",
    "/search/",
    "/search/?q=lao+dong",
    "/search/?q=t%E1%BB%91+gi%C3%A1c",  # a synonym: the result says which word it was found by
    "/search/?q=zzqxv",
    "/report/",
    "/report/new/",
    "/report/follow-up/",
    "/self-check/",
    "/job-check/",
    "/stats/",
    "/commitments/",
    "/commitments/bohol-a/",
    "/commitments/instrument/bohol/",
    "/commitments/country/VN/",
    "/commitments/area/protection/",
    "/commitments/meeting/demo-hanoi-workshop/",
    "/commitments/demo-vn-01/",
    "/consultations/",
    "/stats/?source=ctdc-open",  # a published open data set: every variable of its format
]


def _check(page, found: dict) -> None:
    violations = axe_violations(page)
    if violations:
        found[page.url] = violations


def _consultation(page, base: str, found: dict) -> None:
    """An open consultation, then its comment form sent empty (the error) and filled (thanks)."""
    page.goto(f"{base}/consultations/")
    page.click("main ul li a >> nth=0")
    page.locator("textarea[name=body]").wait_for()
    _check(page, found)
    page.click("main form button[type=submit]")
    page.locator(".error-summary").wait_for()
    _check(page, found)
    page.fill("textarea[name=body]", "Xin thêm thông tin trên loa phát thanh của xã.")
    page.click("main form button[type=submit]")
    page.locator("#sent").wait_for()
    _check(page, found)


def _forms(page, base: str, found: dict) -> None:
    """The pages behind forms: results, the receipt, the status of a report."""
    page.goto(f"{base}/self-check/")
    page.click("main button[type=submit]")  # nothing answered: the error summary
    _check(page, found)
    for question in ("long_hours", "passport_kept"):
        page.check(f"input[name=q_{question}][value=yes]")
    page.click("main form.screening button[type=submit]")
    page.locator("#outcome").wait_for()
    _check(page, found)
    page.goto(f"{base}/job-check/")
    page.fill("textarea[name=text]", "Tuyển gấp, bao vé máy bay đi Campuchia, không cần visa.")
    page.click("main button[type=submit]")
    page.locator("#result").wait_for()
    _check(page, found)
    page.goto(f"{base}/report/")
    page.check("input[name=danger_now][value=yes]")
    page.click("main button[type=submit]")
    page.locator("#step-where").wait_for()
    _check(page, found)
    page.click("#step-where a.button")  # one step per screen on a phone
    page.fill("textarea[name=description]", "Có ba cô gái bị nhốt trong xưởng may.")
    page.click("#step-what a.button")
    _check(page, found)
    page.click("#step-who a.button")
    page.click("button.to-check")
    page.locator("button.send").wait_for()
    _check(page, found)  # check your answers
    page.click("button.send")
    receipt = page.locator("#receipt").inner_text()
    _check(page, found)
    page.goto(f"{base}/report/follow-up/")
    page.fill("input[name=receipt]", receipt)
    page.click("main button[type=submit]")
    page.locator("textarea[name=body]").wait_for()
    _check(page, found)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_public_page_passes_axe_on_a_phone(browser, live_server, personas, language):  # noqa: F811
    load_content(CONTENT)
    create_demo_progress()
    create_demo_consultations()
    add_victims("Hotline VN", 12)
    # Enough countries for the flow table to be wider than the phone.
    for citizenship, country in (("KH", "TH"), ("LA", "MY"), ("MM", "CN"), ("TH", "KR")):
        add_victims(
            "Hotline VN", 3, person={"citizenship": [citizenship]}, exploitation_country=country
        )
    open_data = repeat(20, gender="Female", citizenship="VN", isForcedLabour=True)
    open_data += repeat(12, gender="Male", citizenship="KH") + repeat(3, gender="Male")
    source = make_source("ctdc-open", open_data, tallied=True)
    source.published = True
    source.save()
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    problems = watch(page)
    base = f"{live_server.url}/{language}"
    found = {}
    for path in PAGES:
        page.goto(base + path)
        _check(page, found)
    _forms(page, base, found)
    _consultation(page, base, found)
    answered = Consultation.objects.get(status="published").pk
    for path in (f"/consultations/{answered}/", f"/consultations/{answered}/response/"):
        page.goto(base + path)
        _check(page, found)
    report = "\n".join(f"{url}:\n  " + "\n  ".join(items) for url, items in found.items())
    assert not found, report
    # The self-check answered with nothing is refused with 422, as it should be, and so is an
    # empty comment, with 400.
    expected = ("status of 422", "status of 400")
    assert [item for item in problems if not any(e in item for e in expected)] == []


@pytest.mark.parametrize("language", ["th", "km", "lo", "my"])
def test_the_home_page_passes_axe_in_the_scripts_of_the_region(
    browser,  # noqa: F811
    live_server,
    personas,  # noqa: F811
    language,
):
    """Thai, Khmer, Lao and Burmese: the home page with its unreviewed-translation banner."""
    load_content(CONTENT)
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    problems = watch(page)
    page.goto(f"{live_server.url}/{language}/")
    assert page.locator("p.unreviewed").count() == 1
    assert axe_violations(page) == []
    assert problems == []
