"""Notifications: who is told of what, the list page, the API, the overdue and digest jobs."""

import json
from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from haven.accounts.models import Organisation
from haven.accounts.services import create_api_token
from haven.cases import referrals, services
from haven.cases.tests.helpers import ALL_CONSENT, make_case
from haven.conftest import sign_in
from haven.notifications import services as notifications
from haven.notifications.models import Kind, Notification
from haven.notifications.tasks import send_notification_digests
from haven.reports import services as reports
from haven.reports.services import NewReport
from haven.workspace.tasks import notify_overdue

pytestmark = pytest.mark.django_db
PAGE = "/en/staff/notifications/"
API = "/api/v1/notifications"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def kinds_of(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def new_report(**values):
    values = {"country": "VN", "description": "Five women kept in a room.", **values}
    return reports.submit_report(NewReport(**values), [])[0]


def token(user):
    return {
        "Authorization": f"Bearer {create_api_token(user, actor=user, name='t')[1]}",
        "Accept-Language": "en",
    }


@pytest.fixture
def shelter(db):
    return Organisation.objects.get(name="Shelter HN")


class TestWhoIsTold:
    def test_a_new_report_tells_the_triage_staff_of_its_organisation_only(
        self, alice, bob, oscar, carol, mallory
    ):
        report = new_report()
        for member in (alice, bob):
            assert kinds_of(member) == [Kind.REPORT_NEW]
        for member in (oscar, carol, mallory):  # no triage role, or another organisation
            assert kinds_of(member) == []
        notification = Notification.objects.get(recipient=alice)
        assert notification.link == f"/staff/triage/{report.pk}/"  # no language, no content
        assert notification.object_type == "report" and notification.object_id == str(report.pk)

    def test_a_referred_report_tells_the_new_organisation(self, alice, carol, shelter):
        report = new_report()
        reports.change_status(report, actor=alice, status="referred", referred_to=shelter)
        assert kinds_of(carol) == [Kind.REPORT_NEW]

    def test_assignment_and_messages_go_to_the_assigned_member(self, alice, bob):
        report = new_report()
        Notification.objects.all().delete()
        reports.assign(report, actor=alice, member=bob)
        assert kinds_of(bob) == [Kind.REPORT_ASSIGNED]
        reports.assign(report, actor=bob, member=bob)  # one's own act is no news
        assert kinds_of(bob) == [Kind.REPORT_ASSIGNED]
        reports.add_reporter_message(report, "They moved us today.", [])
        assert kinds_of(bob) == [Kind.REPORT_ASSIGNED, Kind.REPORT_MESSAGE]
        assert kinds_of(alice) == []

    def test_an_unassigned_reports_message_tells_the_organisation(self, alice, bob):
        report = new_report()
        reports.add_reporter_message(report, "Please hurry.", [])
        assert kinds_of(alice) == [Kind.REPORT_MESSAGE, Kind.REPORT_NEW]

    def test_referrals_received_answered_and_revoked(self, alice, carol, shelter):
        case = make_case(alice, consent=ALL_CONSENT)
        referral = referrals.refer(
            case, actor=alice, to_organisation=shelter, reason="Shelter", sections=["summary"]
        )
        assert kinds_of(carol) == [Kind.REFERRAL_RECEIVED]
        referrals.accept(referral, actor=carol)
        assert kinds_of(alice) == [Kind.REFERRAL_ACCEPTED]
        referrals.revoke(referral, actor=alice)
        assert kinds_of(carol) == [Kind.REFERRAL_RECEIVED, Kind.REFERRAL_REVOKED]

    def test_a_declined_referral_tells_the_sender(self, alice, carol, shelter):
        case = make_case(alice, consent=ALL_CONSENT)
        referral = referrals.refer(
            case, actor=alice, to_organisation=shelter, reason="Shelter", sections=["summary"]
        )
        referrals.decline(referral, actor=carol, note="No bed free.")
        assert kinds_of(alice) == [Kind.REFERRAL_DECLINED]

    def test_tasks_and_cases_given_to_someone(self, alice, bob):
        case = make_case(alice)
        assert kinds_of(alice) == []  # her own case
        services.add_task(case, actor=alice, title="Call her", due=date.today(), assigned_to=bob)
        services.update_case(case, actor=alice, values={"case_worker": bob})
        assert kinds_of(bob) == [Kind.CASE_ASSIGNED, Kind.TASK_ASSIGNED]

    def test_an_overdue_task_is_told_once(self, alice, bob):
        case = make_case(alice)
        yesterday = date.today() - timedelta(days=1)
        services.add_task(case, actor=alice, title="Visit", due=yesterday, assigned_to=bob)
        services.add_task(case, actor=alice, title="Mine", due=yesterday)  # nobody's: the worker
        services.add_task(case, actor=alice, title="Later", due=date.today() + timedelta(days=3))
        assert notify_overdue() == 2
        assert notify_overdue() == 0
        assert kinds_of(bob) == [Kind.TASK_ASSIGNED, Kind.TASK_OVERDUE]
        assert kinds_of(alice) == [Kind.TASK_OVERDUE]

    def test_a_link_elsewhere_is_refused(self, alice):
        with pytest.raises(ValueError):
            notifications.notify(alice, Kind.CASE_ASSIGNED, "https://example.org/x")
        with pytest.raises(ValueError):
            notifications.notify(alice, Kind.CASE_ASSIGNED, "/\\example.org/x")
        with pytest.raises(ValueError):
            notifications.notify(alice, "made.up", "/staff/")


class TestDigest:
    def test_it_says_how_many_never_what(self, alice, bob):
        report = new_report()
        notifications.set_digest(alice, True)
        assert send_notification_digests.call() == 1
        assert len(mail.outbox) == 1 and mail.outbox[0].to == [alice.email]
        body = mail.outbox[0].body
        assert "Có 1 việc đang chờ bạn" in body  # the site's language, as other staff mail
        assert body.endswith("/staff/notifications/\n")
        assert report.reference not in body and "Five women" not in body

    def test_nothing_waiting_or_not_subscribed_sends_nothing(self, alice, bob):
        notifications.set_digest(alice, True)
        assert send_notification_digests.call() == 0  # nothing waits
        new_report()
        notifications.set_digest(alice, False)
        assert send_notification_digests.call() == 0
        assert mail.outbox == []


class TestPage:
    def test_anonymous_goes_to_sign_in(self, client):
        for response in (client.get(PAGE), client.post(f"{PAGE}read/")):
            assert response.status_code == 302 and "/login/" in response["Location"]

    def test_the_list_shows_ones_own_and_the_header_counts_them(self, client, alice, carol):
        new_report()
        page = sign_in(client, alice).get(PAGE).content.decode()
        assert "A new report arrived for your organisation" in page
        assert "1 unread" in page
        assert "1 unread" not in sign_in(Client(), carol).get(PAGE).content.decode()

    def test_opening_marks_read_and_goes_to_the_page(self, client, alice):
        report = new_report()
        notification = Notification.objects.get(recipient=alice)
        response = sign_in(client, alice).post(f"{PAGE}{notification.pk}/open/")
        assert response.status_code == 302
        assert response["Location"] == f"/en/staff/triage/{report.pk}/"
        notification.refresh_from_db()
        assert notification.read_at is not None

    def test_another_members_notification_is_404(self, client, alice, bob):
        new_report()
        bobs = Notification.objects.get(recipient=bob)
        response = sign_in(client, alice).post(f"{PAGE}{bobs.pk}/open/")
        assert response.status_code == 404
        bobs.refresh_from_db()
        assert bobs.read_at is None

    def test_mark_all_read_touches_only_ones_own(self, client, alice, bob):
        new_report()
        sign_in(client, alice).post(f"{PAGE}read/")
        assert notifications.unread_count(alice) == 0
        assert notifications.unread_count(bob) == 1

    def test_csrf_is_enforced(self, alice):
        new_report()
        client = sign_in(Client(enforce_csrf_checks=True), alice)
        assert client.post(f"{PAGE}read/").status_code == 403
        assert client.post(f"{PAGE}digest/", {"enabled": "1"}).status_code == 403
        assert notifications.unread_count(alice) == 1
        assert not notifications.digest_enabled(alice)

    def test_digest_choice(self, client, alice):
        sign_in(client, alice).post(f"{PAGE}digest/", {"enabled": "1"})
        assert notifications.digest_enabled(alice)
        client.post(f"{PAGE}digest/", {"enabled": "0"})
        assert not notifications.digest_enabled(alice)

    def test_in_vietnamese(self, client, alice):
        new_report()
        page = sign_in(client, alice).get("/vi/staff/notifications/").content.decode()
        assert "A new report arrived" not in page


class TestApi:
    def test_anonymous_401(self, client):
        assert client.get(API).status_code == 401
        assert client.post(f"{API}/read", "{}", content_type="application/json").status_code == 401

    def test_ones_own_only(self, client, alice, carol):
        new_report()
        body = client.get(API, headers=token(alice)).json()
        assert body["unread"] == 1 and body["items"][0]["kind"] == "report.new"
        assert body["items"][0]["link"].startswith("/staff/triage/")
        assert client.get(API, headers=token(carol)).json() == {"unread": 0, "items": []}

    def test_mark_read(self, client, alice, bob):
        new_report()
        mine = Notification.objects.get(recipient=alice)
        bobs = Notification.objects.get(recipient=bob)

        def post(body, user=alice):
            return client.post(
                f"{API}/read",
                json.dumps(body),
                content_type="application/json",
                headers=token(user),
            )

        assert post({"ids": [str(bobs.pk)]}).status_code == 404
        assert post({"ids": [str(mine.pk), str(bobs.pk)]}).status_code == 404
        assert notifications.unread_count(alice) == 1 and notifications.unread_count(bob) == 1
        response = post({})
        assert response.status_code == 422 and "all" in response.json()["detail"]
        assert post({"ids": [str(mine.pk)]}).json() == {"marked": 1, "unread": 0}
        assert post({"all": True}, user=bob).json() == {"marked": 1, "unread": 0}


class TestApiBySession:
    """The pages' own session works too, with CSRF on the POST and the second factor done."""

    def test_a_signed_in_page_reads_and_marks_with_its_csrf_token(self, alice):
        new_report()
        client = sign_in(Client(enforce_csrf_checks=True), alice)
        assert client.get(API).json()["unread"] == 1
        refused = client.post(f"{API}/read", '{"all": true}', content_type="application/json")
        assert refused.status_code == 403
        assert notifications.unread_count(alice) == 1
        client.get(PAGE)  # sets the CSRF cookie, as the page does
        csrf = client.cookies["csrftoken"].value
        response = client.post(
            f"{API}/read", '{"all": true}', content_type="application/json", HTTP_X_CSRFTOKEN=csrf
        )
        assert response.status_code == 200 and response.json()["unread"] == 0

    def test_a_session_without_its_second_factor_is_refused(self, client, alice):
        client.force_login(alice)  # password only
        assert client.get(API).status_code == 401
        assert client.get("/api/v1/dashboard").status_code == 401
