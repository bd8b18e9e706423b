"""The triage queue as a triager works it: previews, new messages, countries by name, names,
bulk assignment (all or nothing), and the same security as every staff form."""

import pytest
from django.test import Client

from haven.audit.models import Event
from haven.conftest import sign_in
from haven.reports import services
from haven.reports.models import Report
from haven.reports.tests.test_triage import QUEUE, file_report

BULK = f"{QUEUE}assign/"


@pytest.mark.django_db
class TestWhatTheQueueShows:
    def test_a_preview_of_what_happened_but_never_the_contact(self, client, alice):
        report = file_report(
            description="Một cô gái bị giữ ở nhà hàng. " * 20, contact="0912345678"
        )
        html = sign_in(client, alice).get(QUEUE).content.decode()
        assert "Một cô gái bị giữ ở nhà hàng." in html
        assert report.description not in html  # shortened
        assert "0912345678" not in html
        event = Event.objects.filter(action="report.previewed").latest("pk")
        assert str(report.pk) in event.summary["reports"]

    def test_a_new_message_from_the_reporter_is_flagged_until_answered(self, client, alice):
        quiet, talking = file_report(), file_report()
        services.add_reporter_message(talking, "Tôi có thêm thông tin.", [])
        sign_in(client, alice)
        html = client.get(QUEUE, {"waiting": "1"}).content.decode()
        assert talking.reference in html and quiet.reference not in html
        assert "New message" in html
        services.add_staff_message(talking, actor=alice, body="Cảm ơn bạn.", internal=True)
        # An internal note is not an answer the reporter can read.
        assert talking.reference in client.get(QUEUE, {"waiting": "1"}).content.decode()
        services.add_staff_message(talking, actor=alice, body="Cảm ơn bạn.", internal=False)
        assert talking.reference not in client.get(QUEUE, {"waiting": "1"}).content.decode()

    def test_countries_are_chosen_by_name_in_the_page_language(self, client, alice):
        thai, viet = file_report(country="TH"), file_report(country="VN")
        sign_in(client, alice)
        html = client.get("/vi/staff/triage/").content.decode()
        assert '<option value="TH">Thái Lan</option>' in html
        html = client.get(QUEUE, {"country": "TH"}).content.decode()
        assert thai.reference in html and viet.reference not in html

    def test_people_are_named_not_shown_by_username(self, client, alice, bob):
        report = file_report()
        services.assign(report, actor=alice, member=bob)
        html = sign_in(client, alice).get(QUEUE, {"assigned": "none"}).content.decode()
        assert report.reference not in html
        html = client.get(QUEUE).content.decode()
        assert bob.display_name() in html and ">bob<" not in html


@pytest.mark.django_db
class TestBulkAssignment:
    def test_several_reports_to_one_colleague_audited(self, client, alice, bob):
        first, second = file_report(), file_report()
        response = sign_in(client, alice).post(
            BULK, {"reports": [first.pk, second.pk], "member": bob.pk}
        )
        assert response.status_code == 302
        assert set(Report.objects.filter(assigned_to=bob).values_list("pk", flat=True)) >= {
            first.pk,
            second.pk,
        }
        assert Event.objects.filter(action="report.assigned").count() == 2
        assert bob.display_name() in client.get(response["Location"]).content.decode()

    def test_a_report_of_another_organisation_makes_it_404_and_nothing_changes(
        self, client, alice, bob, carol
    ):
        own = file_report()
        theirs = file_report()
        Report.objects.get(pk=theirs.pk).recipients.set([carol.organisation])
        response = sign_in(client, alice).post(
            BULK, {"reports": [own.pk, theirs.pk], "member": bob.pk}
        )
        assert response.status_code == 404
        assert not Report.objects.filter(assigned_to=bob, pk__in=[own.pk, theirs.pk]).exists()

    def test_a_malformed_id_is_404(self, client, alice, bob):
        response = sign_in(client, alice).post(BULK, {"reports": ["nope"], "member": bob.pk})
        assert response.status_code == 404

    def test_an_outsider_as_assignee_is_refused_with_a_reason(self, client, alice, mallory):
        report = file_report()
        response = sign_in(client, alice).post(BULK, {"reports": [report.pk], "member": mallory.pk})
        assert response.status_code == 422
        assert "error-summary" in response.content.decode()
        assert Report.objects.get(pk=report.pk).assigned_to is None

    def test_nothing_chosen_is_refused_with_a_reason(self, client, alice, bob):
        file_report()
        response = sign_in(client, alice).post("/vi/staff/triage/assign/", {"member": bob.pk})
        assert response.status_code == 422
        assert "Hãy chọn ít nhất một báo tin." in response.content.decode()

    def test_csrf_is_enforced(self, alice, bob):
        report = file_report()
        client = sign_in(Client(enforce_csrf_checks=True), alice)
        assert client.post(BULK, {"reports": [report.pk], "member": bob.pk}).status_code == 403
        assert Report.objects.get(pk=report.pk).assigned_to is None

    def test_roles_without_triage_get_403_and_anonymous_signs_in(self, client, oscar, dave, bob):
        report = file_report()
        for user in (oscar, dave):
            response = sign_in(Client(), user).post(
                BULK, {"reports": [report.pk], "member": bob.pk}
            )
            assert response.status_code == 403
        response = client.post(BULK, {"reports": [report.pk], "member": bob.pk})
        assert response.status_code == 302 and "/login" in response["Location"]
        assert Report.objects.get(pk=report.pk).assigned_to is None

    def test_an_outsider_gets_404_for_reports_not_theirs(self, client, mallory):
        report = file_report()
        response = sign_in(client, mallory).post(BULK, {"reports": [report.pk], "member": ""})
        assert response.status_code == 404


def test_the_wait_is_said_in_words():
    from datetime import datetime, timedelta

    from django.utils import translation

    from haven.reports.queue import waited

    now = datetime(2026, 12, 6, 12, 0)
    with translation.override("vi"):
        assert waited(now - timedelta(seconds=20), now) == "vừa đến"
        assert waited(now - timedelta(minutes=20), now) == "đã chờ chưa đến 1 giờ"
        assert waited(now - timedelta(hours=5), now) == "đã chờ 5 giờ"
        assert waited(now - timedelta(days=3, hours=2), now) == "đã chờ 3 ngày"
    with translation.override("en"):
        assert waited(now - timedelta(hours=1), now) == "waiting 1 hour"
