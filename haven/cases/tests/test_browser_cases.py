"""In Chromium: a report becomes a case, consent is recorded, the case is referred and accepted,
the receiver sees only what was shared, and an outsider finds nothing by any address."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import User
from haven.cases.models import Case, Referral
from haven.conftest import PASSWORD
from haven.reports import services as report_services
from haven.tests.test_browser import browser, personas, watch  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def see(page, text):
    """Wait for the text to be on the page (after a form post, the new page takes a moment)."""
    page.get_by_text(text).first.wait_for()


def sign_in(browser, live_server, username):  # noqa: F811
    page = browser.new_page()
    user = User.objects.get(username=username)
    device = TOTPDevice.objects.get(user=user)
    page.goto(f"{live_server.url}/en/staff/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.fill(
        "input[name=code]",
        f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}",
    )
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/en/staff/")
    return page


def test_a_report_becomes_a_case_and_is_referred_with_consent(browser, live_server, personas):  # noqa: F811
    report_services.submit_report(
        report_services.NewReport(
            country="VN",
            description="Chị tôi đi làm ở Campuchia, bị giữ hộ chiếu, không được về.",
            exploitation_types=["ForcedLabour"],
        ),
        [],
    )
    alice = sign_in(browser, live_server, "alice")
    problems = watch(alice)
    alice.click("nav.staff >> text=Triage")
    alice.click("table a")
    alice.click("text=Open a case from this report")
    alice.wait_for_url("**/staff/cases/*/")
    case = Case.objects.get()
    assert case.reference in alice.locator("h1").inner_text()
    assert "Campuchia" in alice.content()  # the report's facts came over

    alice.click("text=Add a person")
    alice.fill("input[name='person-first_name']", "Thu Trang")
    alice.fill("input[name='person-mobile_phone']", "+84912000111")
    alice.select_option("select[name='details-role']", "victim")
    alice.check("input[name='details-control_methods'][value='WithholdsDocuments']")
    alice.click("main button[type=submit]")
    see(alice, "Thu Trang")

    alice.click("text=Record consent")
    for item in ("interview", "purpose", "use_of_data"):
        alice.check(f"input[name={item}][value=yes]")
    alice.click("main button[type=submit]")
    see(alice, "Consent recorded.")

    alice.click("main >> text=Refer")
    alice.select_option("select[name=to_organisation]", label="Shelter HN")
    alice.check("input[name=sections][value=identity]")  # not consented: refused, and said why
    alice.click("main button[type=submit]")
    see(alice, "does not allow")
    assert not Referral.objects.exists()
    alice.uncheck("input[name=sections][value=identity]")
    alice.check("input[name=sections][value=exploitation]")
    alice.click("main button[type=submit]")
    see(alice, "Referred to Shelter HN.")
    alice.click("text=Sign out")  # one browser profile: each person signs in in turn

    carol = sign_in(browser, live_server, "carol")
    problems += watch(carol)
    carol.goto(f"{live_server.url}/en/staff/cases/referrals/")
    carol.click(f"text={case.reference}")
    request = carol.locator("main").inner_text()  # the request only, before accepting
    assert "Thu Trang" not in request and "+84912000111" not in request
    assert "Withholds documents" not in request and "Referral request" in request
    carol.click("main button:has-text('Accept')")
    see(carol, "Referral accepted.")
    text = carol.locator("main").inner_text()
    assert "Withholds documents" in text  # shared: what happened
    assert "Thu Trang" not in text and "+84912000111" not in text  # not shared: who, how to reach
    assert Referral.objects.get().state == "accepted"
    carol.click("text=Sign out")

    mallory = sign_in(browser, live_server, "mallory")
    problems += watch(mallory)
    referral = Referral.objects.get()
    for path in (
        f"/en/staff/cases/{case.pk}/",
        f"/en/staff/cases/{case.pk}/edit/",
        f"/en/staff/cases/{case.pk}/refer/",
        f"/en/staff/cases/?q={case.reference}",
        "/en/staff/cases/?scope=referred",
        f"/en/staff/triage/{case.source_report_id}/",
        f"/api/v1/cases/{case.pk}",
    ):
        response = mallory.goto(f"{live_server.url}{path}")
        if response.status == 200:  # a list: it must not contain the case
            assert case.reference not in mallory.locator("main table").inner_text(), path
        else:
            assert response.status in (401, 404), path
    response = mallory.request.post(
        f"{live_server.url}/en/staff/cases/referrals/{referral.pk}/accept/"
    )
    assert response.status in (403, 404)
    assert problems == []


def test_a_person_is_added_in_vietnamese_by_labels_only(browser, live_server, personas):  # noqa: F811
    from haven.cases.tests.helpers import make_case
    from haven.tests.test_browser import axe_violations

    case = make_case(User.objects.get(username="alice"))
    alice = sign_in(browser, live_server, "alice")
    problems = watch(alice)
    alice.set_viewport_size({"width": 768, "height": 1024})
    alice.goto(f"{live_server.url}/vi/staff/cases/{case.pk}/people/new/")
    alice.fill("input[name='person-first_name']", "Lan")
    alice.fill("input[name='person-middle_name']", "Thị")
    alice.select_option("select[name='person-gender']", label="Nữ")
    alice.select_option("select[name='person-primary_language']", label="Tiếng Việt")
    alice.select_option("select[name='person-citizenship']", label=["Việt Nam", "Lào"])
    assert not alice.is_checked("input[name='person-deceased']")
    alice.fill("input[name='person-mobile_phone']", "0912 345 678")
    alice.select_option("select[name='details-role']", "victim")
    alice.get_by_label("Zalo").first.check()
    assert axe_violations(alice) == []
    alice.click("main button[type=submit]")
    alice.wait_for_url(f"**/staff/cases/{case.pk}/")
    person = case.participants.order_by("created").last().person
    assert (person.gender, person.primary_language) == ("Feminine", "vie")
    assert sorted(person.citizenship) == ["LA", "VN"] and person.mobile_phone == "+84912345678"
    assert case.participants.order_by("created").last().recruitment_apps == ["Zalo"]
    assert problems == []
