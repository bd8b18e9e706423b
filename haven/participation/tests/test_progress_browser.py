"""The issue's second scenario in Chromium: a commitment under the Bohol Work Plan gets two
progress reports over two periods (oscar of Hotline VN submits); dave of the Ministry validates
one and sends the other back with a reason; the public page for Viet Nam shows the validated
progress only. axe-core on each page (public at 360 px, staff at 768 px)."""

import pytest

from haven.accounts.models import Organisation
from haven.conftest import CONTENT
from haven.participation.content import load_commitments
from haven.participation.models import Commitment, Indicator, Instrument, ProgressReport
from haven.participation.tests.test_consultation_browser import check, sign_in
from haven.tests.test_browser import (  # noqa: F401 (fixtures)
    PHONE,
    browser,
    personas,
    watch,
)

pytestmark = pytest.mark.browser
STAFF = "/en/staff/participation"
FIRST = "Forty front-line staff trained in Lào Cai."
SECOND = "Training went on in An Giang."
REASON = "Please give the number of people trained and the attendance lists."


def bohol_commitment():
    load_commitments(CONTENT / "commitments")
    commitment = Commitment.objects.create(
        instrument=Instrument.objects.get(slug="bohol"),
        code="bohol-b-vn",
        reference="Area B",
        area="protection",
        country="VN",
        lead_organisation=Organisation.objects.get(name="Hotline VN"),
        title_en="Train front-line staff to identify victims",
        title_vi="Tập huấn cán bộ tuyến đầu nhận diện nạn nhân",
        responsible_body="Hotline VN",
    )
    Indicator.objects.create(commitment=commitment, code="trained", name_en="Staff trained",
                             name_vi="Cán bộ được tập huấn", unit_en="people",
                             unit_vi="người", baseline=0, target=100)  # fmt: skip
    return commitment


def oscar_reports(browser, live_server, found):  # noqa: F811
    page = sign_in(browser, live_server, "oscar")
    for period, text, value in (("2025-H2", FIRST, 40), ("2026-H1", SECOND, 65)):
        page.goto(f"{live_server.url}{STAFF}/")
        page.select_option("#commitment", "bohol-b-vn")
        page.fill("#period", period)
        page.select_option("#status", "in_progress")
        page.fill("#text", text)
        page.fill("#indicators", f"trained={value}")
        page.click("form[action$='/progress/new/'] button[type=submit]")
        page.locator(".messages, [role=status], .success").first.wait_for()
    check(page, found)
    page.close()
    assert ProgressReport.objects.filter(validation="pending").count() == 2


def dave_decides(browser, live_server, found):  # noqa: F811
    first = ProgressReport.objects.get(period="2025-H2")
    second = ProgressReport.objects.get(period="2026-H1")
    page = sign_in(browser, live_server, "dave")
    page.goto(f"{live_server.url}{STAFF}/")
    check(page, found)
    page.fill(f"#reason-{first.pk}", "Matches the attendance lists.")
    page.click(f"form[action$='/progress/{first.pk}/'] button[value=validate]")
    page.locator(f"#reason-{second.pk}").wait_for()
    page.fill(f"#reason-{second.pk}", REASON)
    page.click(f"form[action$='/progress/{second.pk}/'] button[value=send_back]")
    page.locator(f"#reason-{second.pk}").wait_for(state="detached")
    page.close()


def test_two_periods_one_validated_one_sent_back(browser, live_server, personas):  # noqa: F811
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from haven.accounts.models import User

    oscar = User.objects.get(username="oscar")  # an administrator signs in with a second factor
    if not TOTPDevice.objects.filter(user=oscar, confirmed=True).exists():
        TOTPDevice.objects.create(user=oscar, name="phone", key="42" * 20, confirmed=True)
    found = {}
    bohol_commitment()
    oscar_reports(browser, live_server, found)
    dave_decides(browser, live_server, found)
    assert ProgressReport.objects.get(period="2025-H2").validation == "validated"
    sent_back = ProgressReport.objects.get(period="2026-H1")
    assert sent_back.validation == "sent_back" and sent_back.reason == REASON
    # oscar sees why his report came back (a second browser sign-in within the same 30 s would
    # reuse his one-time code, which is refused, so this look goes through the test client)
    from django.test import Client

    from haven.conftest import sign_in as client_sign_in

    assert REASON in client_sign_in(Client(), oscar).get(f"{STAFF}/").content.decode()
    # the public page for Viet Nam: the validated period only
    browser.clear_cookies()
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    problems = watch(page)
    for language in ("vi", "en"):
        page.goto(f"{live_server.url}/{language}/commitments/country/VN/")
        text = page.locator("main").inner_text()
        assert "2025-H2" in text and "40" in text
        assert "2026-H1" not in text and "65" not in text and SECOND not in text
        assert page.locator("main svg.chart").count() >= 2
        check(page, found)
    assert "Lĩnh vực B" not in text and "Area B" in text
    page.goto(f"{live_server.url}/vi/commitments/bohol-b-vn/")
    text = page.locator("main").inner_text()
    assert "Lĩnh vực B" in text and FIRST in text and SECOND not in text
    check(page, found)
    assert problems == []
    assert not found, found
