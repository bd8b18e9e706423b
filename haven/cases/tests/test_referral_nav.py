"""Referrals in the staff navigation, with the count of incoming ones awaiting an answer."""

import pytest
from django.test import Client

from haven.cases import referrals
from haven.cases.templatetags.referral_nav import awaiting_answer
from haven.cases.tests.helpers import ALL_CONSENT, make_case
from haven.conftest import sign_in

pytestmark = pytest.mark.django_db
NAV_LINK = 'href="/en/staff/cases/referrals/?direction=incoming&amp;state=pending">Referrals'


def refer(case, alice, organisation):
    return referrals.refer(
        case,
        actor=alice,
        to_organisation=organisation,
        reason="AdditionalServicesRequired",
        sections=["summary"],
    )


def nav(user) -> str:
    html = sign_in(Client(), user).get("/en/staff/cases/").content.decode()
    return html.split('<nav class="staff"')[1].split("</nav>")[0]


def test_the_count_is_of_pending_incoming_referrals(alice, carol, mallory):
    first = refer(make_case(alice, consent=ALL_CONSENT), alice, carol.organisation)
    refer(make_case(alice, consent=ALL_CONSENT), alice, carol.organisation)
    refer(make_case(alice, consent=ALL_CONSENT), alice, mallory.organisation)
    assert awaiting_answer(carol) == 2
    menu = nav(carol)
    assert NAV_LINK in menu and '<span class="badge warn">2</span>' in menu
    referrals.accept(first, actor=carol)
    assert awaiting_answer(carol) == 1
    assert '<span class="badge warn">1</span>' in nav(carol)
    # The sender's outgoing referrals are not its to answer.
    assert awaiting_answer(alice) == 0
    menu = nav(alice)
    assert 'href="/en/staff/cases/referrals/">Referrals</a>' in menu and "badge warn" not in menu


def test_nothing_for_staff_without_case_rights(client, alice, carol, dave, oscar):
    refer(make_case(alice, consent=ALL_CONSENT), alice, carol.organisation)
    for user in (dave, oscar):
        assert awaiting_answer(user) == 0
        html = sign_in(Client(), user).get("/en/staff/").content.decode()
        assert "/staff/cases/referrals/" not in html


def test_the_count_costs_one_query_per_page(alice, carol):
    refer(make_case(alice, consent=ALL_CONSENT), alice, carol.organisation)
    client = sign_in(Client(), carol)
    client.get("/en/staff/cases/referrals/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/en/staff/cases/referrals/")
    counted = [
        q
        for q in queries
        if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "cases_referral"')
        and "pending" in q["sql"]
    ]
    assert len(counted) == 1
