"""The hand-over confirmation page in Chromium: readable at 360 px, no axe-core violation at 768."""

import pytest
from django.db import connections

from haven.accounts.models import User
from haven.cases import referrals
from haven.cases.tests.helpers import make_case
from haven.cases.tests.test_browser_cases import see, sign_in
from haven.federation.outbox import deliver_round
from haven.federation.referrals import refer_abroad
from haven.federation.tests.conftest import TH, VN, pin, site, transport_to
from haven.federation.tests.test_cross_border import ABROAD
from haven.tests.test_browser import (  # noqa: F401 (fixtures)
    PHONE,
    TABLET,
    assert_accessible,
    browser,
    personas,
    watch,
)

pytestmark = pytest.mark.browser


def test_the_hand_over_page_names_where_and_what_and_hands_over(browser, live_server, personas):  # noqa: F811
    alice, carol = User.objects.get(username="alice"), User.objects.get(username="carol")
    carol.organisation.accepts_cross_border = True
    carol.organisation.save(update_fields=["accepts_cross_border"])
    pin(VN, TH), pin(TH, VN)
    case = make_case(alice, consent=ABROAD)
    with site(VN):
        sent = refer_abroad(
            case, actor=alice, peer=TH["HAVEN_FEDERATION_NAME"],
            organisation=str(carol.organisation_id), reason="AdditionalServicesRequired",
            sections=["summary", "identity", "contact"],
        )  # fmt: skip
        deliver_round(transport_to(TH))
    received = sent.peer_link.__class__.objects.get(incoming=True).referral
    with site(TH):
        referrals.accept(received, actor=carol)
        deliver_round(transport_to(VN))
    connections.close_all()
    with site(VN):
        page = sign_in(browser, live_server, "alice")
        problems = watch(page)
        page.set_viewport_size(TABLET)
        page.goto(f"{live_server.url}/en/staff/cases/abroad/referrals/{sent.pk}/hand-over/")
        see(page, carol.organisation.name)
        assert_accessible(page)
        page.set_viewport_size(PHONE)
        page.screenshot(path="var/handover-360.png", full_page=True)
        page.check("input[name=confirm]")
        page.click("main button[type=submit]")
        see(page, "Handed over to another country")
        assert_accessible(page)
        assert not problems, problems
