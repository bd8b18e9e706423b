"""The staff home: the right numbers per role, only one's own organisation's, bounded queries."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import translation

from haven.accounts.models import Organisation
from haven.accounts.services import create_api_token
from haven.cases import referrals, services
from haven.cases.tests.helpers import ALL_CONSENT, make_case
from haven.conftest import sign_in
from haven.reports import services as reports
from haven.reports.services import NewReport
from haven.workspace.selectors import dashboard_for

pytestmark = pytest.mark.django_db
HOME = "/en/staff/"
API = "/api/v1/dashboard"
ZERO = dict.fromkeys(
    (
        "new_reports",
        "waiting_reports",
        "my_open_cases",
        "overdue_tasks",
        "incoming_referrals",
        "outgoing_referrals",
    ),
    0,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def token(user):
    return {"Authorization": f"Bearer {create_api_token(user, actor=user, name='t')[1]}"}


def new_report(**values):
    values = {"country": "VN", "description": "Kept in a room.", **values}
    return reports.submit_report(NewReport(**values), [])[0]


@pytest.fixture
def work(alice, bob, carol):
    """Two new reports (one with a reporter's message not answered), a third answered; two cases
    of alice's (one referred to the shelter), an overdue task of hers, one of bob's."""
    shelter = Organisation.objects.get(name="Shelter HN")
    new_report()
    waiting = new_report()
    reports.add_reporter_message(waiting, "Please come.", [])
    answered = new_report()
    reports.add_reporter_message(answered, "Hello?", [])
    reports.add_staff_message(answered, actor=bob, body="We read you.", internal=False)
    reports.change_status(answered, actor=bob, status="in_triage")
    case = make_case(alice, consent=ALL_CONSENT)
    make_case(alice)
    make_case(bob)
    yesterday = date.today() - timedelta(days=1)
    services.add_task(case, actor=alice, title="Call", due=yesterday, assigned_to=alice)
    services.add_task(case, actor=alice, title="Visit", due=yesterday, assigned_to=bob)
    services.add_task(case, actor=alice, title="Later", due=date.today() + timedelta(days=2))
    referrals.refer(
        case, actor=alice, to_organisation=shelter, reason="Shelter", sections=["summary"]
    )
    return case


def counts(user) -> dict:
    return dashboard_for(user).as_dict()["counts"]


class TestCounts:
    def test_a_case_manager(self, work, alice):
        assert counts(alice) == {
            **ZERO,
            "new_reports": 2,
            "waiting_reports": 1,
            "my_open_cases": 2,
            "overdue_tasks": 1,
            "outgoing_referrals": 1,
        }

    def test_the_receiving_organisation(self, work, carol):
        assert counts(carol) == {**ZERO, "incoming_referrals": 1}

    def test_the_receivers_own_overdue_tasks_count_once_accepted(self, work, carol, alice):
        referral = work.referrals.get()
        referrals.accept(referral, actor=carol)
        yesterday = date.today() - timedelta(days=1)
        services.add_task(
            work,
            actor=carol,
            title="Bed",
            due=yesterday,
            assigned_to=carol,
            organisation_id=carol.organisation_id,
        )
        assert counts(carol) == {**ZERO, "overdue_tasks": 1}
        assert counts(alice)["overdue_tasks"] == 1  # the shelter's task is not the hotline's
        referrals.revoke(referral, actor=alice)
        assert counts(carol)["overdue_tasks"] == 0  # no longer a case the shelter works

    def test_incoming_referrals_are_the_navigations_count(self, work, carol):
        from haven.cases.templatetags.referral_nav import awaiting_answer

        assert counts(carol)["incoming_referrals"] == awaiting_answer(carol) == 1
        referrals.accept(work.referrals.get(), actor=carol)
        assert counts(carol)["incoming_referrals"] == awaiting_answer(carol) == 0

    def test_an_outsider_sees_nothing_of_others(self, work, mallory):
        assert counts(mallory) == ZERO

    def test_an_analyst_and_an_administrator_have_no_case_counts(self, work, dave, oscar):
        assert dashboard_for(dave).as_dict() == {"counts": {}, "links": {}, "team": None}
        assert dashboard_for(oscar).as_dict()["counts"] == {}

    def test_the_administrator_sees_the_teams_workload_by_name(self, work, oscar):
        team = {row["name"]: row for row in dashboard_for(oscar).team}
        assert team["Alice Nguyen"]["open_cases"] == 2
        assert team["Alice Nguyen"]["overdue_tasks"] == 1
        assert team["Bob Tran"]["open_cases"] == 1 and team["Bob Tran"]["overdue_tasks"] == 1
        assert "Carol Pham" not in team  # another organisation's member

    def test_a_closed_case_and_a_done_task_are_not_counted(self, work, alice):
        task = work.tasks.get(assigned_to=alice)
        services.complete_task(task, actor=alice)
        services.close_case(work, actor=alice, reason="Back home, safe.")
        assert counts(alice)["overdue_tasks"] == 0
        assert counts(alice)["my_open_cases"] == 1


class TestPage:
    def test_anonymous_goes_to_sign_in(self, client):
        response = client.get(HOME)
        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_counts_link_to_the_filtered_lists(self, client, work, alice):
        page = sign_in(client, alice).get(HOME).content.decode()
        assert 'href="/en/staff/triage/?status=new"' in page
        assert 'href="/en/staff/triage/?waiting=1"' in page
        assert 'href="/en/staff/cases/?scope=mine"' in page
        assert 'href="/en/staff/cases/tasks/?scope=mine&amp;when=overdue"' in page
        assert 'href="/en/staff/cases/referrals/?direction=outgoing&amp;state=pending"' in page
        assert "Your team&#x27;s workload" not in page

    def test_an_analyst_sees_no_reports_or_cases(self, client, work, dave):
        page = sign_in(client, dave).get(HOME).content.decode()
        assert "/staff/triage/?" not in page and "/staff/cases/?" not in page
        assert "Nothing waits for you here" in page

    def test_in_vietnamese(self, client, work, alice):
        page = sign_in(client, alice).get("/vi/staff/").content.decode()
        assert "Tin báo mới gửi đến tổ chức của bạn" in page
        assert "New reports for your organisation" not in page

    def test_the_team_by_display_name_never_username(self, client, work, oscar):
        page = sign_in(client, oscar).get(HOME).content.decode()
        assert "Alice Nguyen" in page and "Bob Tran" in page
        assert ">alice<" not in page and ">bob<" not in page

    def test_the_waiting_filter_of_the_queue(self, client, work, alice):
        page = sign_in(client, alice).get("/en/staff/triage/?waiting=1").content.decode()
        assert "1 report<" in page

    def test_queries_are_bounded(self, client, work, oscar, alice, django_assert_max_num_queries):
        sign_in(client, alice)
        with django_assert_max_num_queries(16):
            assert client.get(HOME).status_code == 200
        for _ in range(5):
            make_case(alice)
        with django_assert_max_num_queries(16):
            client.get(HOME)
        sign_in(client, oscar)
        with django_assert_max_num_queries(12):
            client.get(HOME)

    def test_the_account_page_moved_and_says_capabilities_in_words(self, client, alice):
        page = sign_in(client, alice).get("/en/staff/account/").content.decode()
        assert "Refer cases to other organisations" in page
        assert "case.refer" not in page


class TestApi:
    def test_anonymous_401(self, client):
        assert client.get(API).status_code == 401

    def test_the_same_numbers_as_the_page(self, client, work, alice, mallory):
        body = client.get(API, headers=token(alice)).json()
        assert body["counts"] == counts(alice)
        assert body["links"]["waiting_reports"].endswith("/staff/triage/?waiting=1")
        assert body["team"] is None
        assert Client().get(API, headers=token(mallory)).json()["counts"] == ZERO

    def test_the_team_for_administrators(self, client, work, oscar):
        team = client.get(API, headers=token(oscar)).json()["team"]
        assert {row["name"] for row in team} >= {"Alice Nguyen", "Bob Tran", "Oscar Le"}
        assert all("username" not in row for row in team)
