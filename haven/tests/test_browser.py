"""Real Chromium (Debian's), driven by Playwright, against a live server."""

import os
import shutil
import tempfile

import pytest
from django.db import connections
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import User
from haven.conftest import CONTENT, PASSWORD, create_personas
from haven.hub.content import load_content

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    # Fail, never skip: CI must have the browser (`make test` installs it).
    assert os.path.exists(CHROMIUM), "Debian's chromium is missing: apt-get install chromium"
    from playwright.sync_api import sync_playwright

    # Playwright runs an event loop in this thread; the ORM calls made around it are synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        yield context
        context.close()
        # ORM calls made while Playwright's loop runs get their own connections: close them,
        # or PostgreSQL refuses to drop the test database.
        connections.close_all()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def personas(transactional_db):
    create_personas()


def watch(page):
    """Collect console errors (CSP violations show up there) and requests to other hosts."""
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on(
        "request",
        lambda request: (
            not request.url.startswith(("http://localhost", "data:"))
            and problems.append(f"outside request: {request.url}")
        ),
    )
    return problems


PHONE = {"width": 360, "height": 740}
TABLET = {"width": 768, "height": 1024}  # staff pages are checked at this width


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as it is now, one line each (rule, impact, where)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


def assert_accessible(page) -> None:
    """Fail with axe-core's list of violations, naming the page."""
    found = axe_violations(page)
    assert not found, f"{page.url}:\n" + "\n".join(found)


def test_staff_sign_in_with_two_factor(browser, live_server, personas):
    alice = User.objects.get(username="alice")
    device = TOTPDevice.objects.get(user=alice)
    page = browser.new_page()
    problems = watch(page)
    page.goto(f"{live_server.url}/en/staff/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/login/verify/**")
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    page.fill("input[name=code]", code)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/en/staff/")
    assert page.locator("h1").inner_text() == "Welcome, Alice Nguyen"
    assert "Hotline VN" in page.content()
    # Signing out works from the menu, with no JavaScript needed.
    page.click("text=Sign out")
    page.wait_for_url("**/staff/login/")
    assert "You have signed out." in page.content()
    assert problems == []


def test_enrolment_shows_a_scannable_code(browser, live_server, personas):
    TOTPDevice.objects.filter(user__username="bob").delete()
    page = browser.new_page()
    problems = watch(page)
    page.goto(f"{live_server.url}/vi/staff/login/")
    page.fill("input[name=username]", "bob")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/two-factor/**")
    box = page.locator("figure.qr svg").bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150
    device = TOTPDevice.objects.get(user__username="bob")
    page.fill("input[name=code]", f"{totp(device.bin_key):06d}")
    page.click("main button[type=submit]")
    # The recovery codes, shown once in the answer, then on to the staff home.
    assert page.locator("ol.codes code").count() == 10
    assert "Đã thiết lập xong đăng nhập hai lớp." in page.content()
    page.set_viewport_size(TABLET)
    assert_accessible(page)
    page.click("text=Tôi đã cất giữ các mã. Tiếp tục")
    page.wait_for_url(f"{live_server.url}/vi/staff/")
    assert problems == []


def test_a_member_whose_password_was_reset_chooses_a_new_one_first(browser, live_server, personas):
    from haven.accounts.services import set_member_password

    alice = User.objects.get(username="alice")
    set_member_password(alice, actor=User.objects.get(username="oscar"), password=PASSWORD)
    device = TOTPDevice.objects.get(user=alice)
    page = browser.new_page()
    page.set_viewport_size(TABLET)
    problems = watch(page)
    page.goto(f"{live_server.url}/vi/staff/cases/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/login/verify/**")
    assert_accessible(page)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    page.fill("input[name=code]", code)
    page.click("main button[type=submit]")
    page.wait_for_url("**/vi/staff/password/**")
    assert "Trước khi tiếp tục, hãy tự chọn mật khẩu" in page.content()
    assert_accessible(page)
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", "mot-cau-mat-khau-dai-hon-42")
    page.fill("input[name=new_password2]", "mot-cau-mat-khau-dai-hon-42")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/vi/staff/cases/")
    alice.refresh_from_db()
    assert not alice.must_change_password
    assert problems == []


@pytest.mark.parametrize("path", ["/vi/", "/en/staff/login/"])
def test_pages_fit_a_small_phone(browser, live_server, personas, path):
    page = browser.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    problems = watch(page)
    page.goto(f"{live_server.url}{path}")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 320
    assert problems == []


def test_the_api_docs_render_under_the_strict_policy(browser, live_server, personas):
    page = browser.new_page()
    problems = watch(page)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.get_by_text("/api/v1/me", exact=True).wait_for()
    assert problems == []


def test_a_visitor_searches_without_diacritics_and_finds_help(browser, live_server, personas):
    load_content(CONTENT)
    page = browser.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    problems = watch(page)
    page.goto(f"{live_server.url}/vi/")
    assert page.locator("a.action.urgent").is_visible()  # "Get help now" on the first screen
    page.fill("input[name=q]", "lao dong cuong buc")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/vi/search/?q=lao+dong+cuong+buc")
    first = page.locator("ol.results li a").first
    assert page.locator("ol.results mark").count() > 0
    first.click()
    page.wait_for_url("**/vi/articles/forced-labour-indicators/")
    assert "lao động cưỡng bức" in page.locator("main").inner_text().lower()
    page.click("nav.public a.help-now")
    page.click("text=Việt Nam")
    page.wait_for_url("**/vi/help/vn/")
    assert page.locator('a[href="tel:111"]').count() == 1
    assert page.locator(".line.unverified").count() >= 1
    assert problems == []


def test_a_report_with_a_photo_and_a_reply_through_the_receipt(
    browser, live_server, personas, tmp_path
):
    import io

    from PIL import Image

    from haven.reports.models import Attachment
    from haven.reports.tests.helpers import jpeg_with_gps

    load_content(CONTENT)
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(jpeg_with_gps())
    page = browser.new_page()
    problems = watch(page)

    # A neighbour files a report in Vietnamese, with a photo that carries GPS data.
    page.goto(f"{live_server.url}/vi/")
    page.click("a.action[href='/vi/report/']")
    page.check("input[name=danger_now][value=no]")
    page.click("main button[type=submit]")
    assert "danger" not in page.url  # the answer was posted, not put in the address
    page.fill("textarea[name=description]", "Có ba cô gái bị nhốt trong xưởng may ở Bình Dương.")
    page.click("button.to-check")
    page.set_input_files("input[name=files]", str(photo))
    page.click("button.send")
    receipt = page.locator("#receipt").inner_text()
    assert len(receipt.replace(" ", "")) == 16
    assert page.context.cookies() == []  # the reporter's visit left no cookie at all
    stored = Attachment.objects.get()
    assert not Image.open(io.BytesIO(stored.data)).getexif() and b"PhoneMaker" not in stored.data

    # Alice, at the receiving hotline, signs in with two-factor and replies.
    staff = browser.new_page()
    problems += watch(staff)
    alice = User.objects.get(username="alice")
    device = TOTPDevice.objects.get(user=alice)
    staff.goto(f"{live_server.url}/en/staff/login/")
    staff.fill("input[name=username]", "alice")
    staff.fill("input[name=password]", PASSWORD)
    staff.click("main button[type=submit]")
    staff.fill(
        "input[name=code]",
        f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}",
    )
    staff.click("main button[type=submit]")
    staff.click("nav.staff >> text=Triage")
    staff.click("table a")
    assert "xưởng may" in staff.content()
    staff.fill("textarea[name=body]", "Chúng tôi đã nhận được tin và đang xác minh.")
    staff.click("form[action$='/messages/'] button")
    assert "The reply was sent." in staff.content()

    # The neighbour comes back with the receipt and reads the answer.
    page.goto(f"{live_server.url}/vi/report/follow-up/")
    page.fill("input[name=receipt]", receipt)
    page.click("main button[type=submit]")
    assert "Chúng tôi đã nhận được tin và đang xác minh." in page.content()
    assert problems == []


def test_quick_exit_leaves_and_back_does_not_return(browser, live_server, personas, settings):
    settings.HAVEN_QUICK_EXIT_URL = "https://neutral.example/"
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    # The neutral site, answered here: the test machine has no way out.
    page.route(
        "https://neutral.example/**",
        lambda route: route.fulfill(body="<title>Weather</title>", content_type="text/html"),
    )
    page.goto("about:blank")
    page.goto(f"{live_server.url}/vi/self-check/")
    page.click("#quick-exit")
    page.wait_for_url("https://neutral.example/")
    page.go_back()
    assert page.url == "about:blank"  # the self-check is no longer in the history


def test_the_transfer_form_says_what_moves(browser, live_server, personas):
    from haven.cases import referrals, services
    from haven.cases.models import Case, Section
    from haven.cases.tests.helpers import ALL_CONSENT, make_case
    from haven.conftest import sign_in

    alice, carol = User.objects.get(username="alice"), User.objects.get(username="carol")
    case = make_case(alice, consent=ALL_CONSENT)
    referral = referrals.refer(
        case, actor=alice, to_organisation=carol.organisation, reason="Shelter",
        sections=list(Section.values), details="Cần chỗ ở an toàn.",
    )  # fmt: skip
    referrals.accept(referral, actor=carol)
    services.add_note(case, actor=alice, body="Chỉ nội bộ.")
    from django.test import Client

    session = sign_in(Client(), alice).cookies["haven_session"].value
    browser.add_cookies([{"name": "haven_session", "value": session, "url": live_server.url}])
    page = browser.new_page()
    page.set_viewport_size(TABLET)
    problems = watch(page)
    page.goto(f"{live_server.url}/vi/staff/cases/{case.pk}/")
    page.click("summary:has-text('Bàn giao hồ sơ')")
    assert page.locator("input[name=notes]").is_checked() is False
    assert_accessible(page)
    page.check("input[name=confirm]")
    page.click("form[action*=transfer] button[type=submit]")
    page.wait_for_url("**/vi/staff/cases/")
    assert "không được bàn giao" in page.content()
    assert Case.objects.get(pk=case.pk).organisation == carol.organisation
    assert problems == []
