"""Staff triage: scope, roles, CSRF, status, messages, assignment, attachments, audit."""

from datetime import timedelta

import pytest
from django.test import Client

from haven.audit.models import Event
from haven.conftest import sign_in
from haven.lib.uploads import clean_upload
from haven.reports import services
from haven.reports.models import Report, Status
from haven.reports.tests.helpers import DESCRIPTION, jpeg_with_gps

QUEUE = "/en/staff/triage/"


def file_report(**overrides):
    values = {"country": "VN", "description": DESCRIPTION, **overrides}
    files = [clean_upload(jpeg_with_gps())] if values.pop("photo", False) else []
    report, _ = services.submit_report(services.NewReport(**values), files)
    return report


def url(report, action=""):
    return f"{QUEUE}{report.pk}/{action}"


@pytest.mark.django_db
class TestQueue:
    def test_danger_comes_first_then_the_longest_waiting(self, client, alice):
        oldest = file_report()
        urgent = file_report(danger_now=True)
        newest = file_report()
        Report.objects.filter(pk=oldest.pk).update(created=newest.created - timedelta(hours=5))
        html = sign_in(client, alice).get(QUEUE).content.decode()
        positions = [html.index(r.reference) for r in (urgent, oldest, newest)]
        assert positions == sorted(positions)

    def test_new_reports_come_before_those_in_triage(self, client, alice):
        newer_in_triage = file_report()
        older_new = file_report()
        Report.objects.filter(pk=older_new.pk).update(
            created=newer_in_triage.created.replace(year=2025)
        )
        services.change_status(newer_in_triage, actor=alice, status=Status.IN_TRIAGE)
        html = sign_in(client, alice).get(QUEUE).content.decode()
        assert html.index(older_new.reference) < html.index(newer_in_triage.reference)

    def test_filters(self, client, alice):
        labour = file_report(exploitation_types=["ForcedLabour"])
        marriage = file_report(exploitation_types=["ForcedMarriage"])
        sign_in(client, alice)
        html = client.get(QUEUE, {"kind": "ForcedMarriage"}).content.decode()
        assert marriage.reference in html and labour.reference not in html
        services.change_status(labour, actor=alice, status=Status.CLOSED, reason="duplicate")
        assert labour.reference not in client.get(QUEUE).content.decode()
        assert labour.reference in client.get(QUEUE, {"status": "closed"}).content.decode()

    def test_the_queue_does_not_grow_queries_with_reports(
        self, client, alice, django_assert_max_num_queries
    ):
        for _ in range(5):
            file_report()
        sign_in(client, alice)
        # 18: the page's own (with the audit chain's lock on PostgreSQL) and the navigation's two
        # counts (unread notifications, referrals awaiting an answer); none grows with reports.
        with django_assert_max_num_queries(18):
            client.get(QUEUE)
        for _ in range(10):
            file_report()
        with django_assert_max_num_queries(18):
            client.get(QUEUE)

    def test_an_outsider_sees_nothing(self, client, mallory):
        report = file_report()
        assert report.reference not in sign_in(client, mallory).get(QUEUE).content.decode()

    def test_roles_without_triage_get_403(self, client, oscar, dave):
        assert sign_in(client, oscar).get(QUEUE).status_code == 403
        assert sign_in(Client(), dave).get(QUEUE).status_code == 403


@pytest.mark.django_db
class TestReport:
    def test_a_case_worker_reads_it_and_the_access_is_audited(self, client, bob):
        report = file_report(photo=True)
        response = sign_in(client, bob).get(url(report))
        assert response.status_code == 200 and DESCRIPTION in response.content.decode()
        assert "no-store" in response["Cache-Control"]
        assert Event.objects.filter(
            action="report.viewed", actor_id=bob.pk, object_id=str(report.pk)
        ).exists()

    def test_an_outsider_gets_404(self, client, mallory, carol):
        report = file_report()
        assert sign_in(client, mallory).get(url(report)).status_code == 404
        assert sign_in(Client(), carol).get(url(report)).status_code == 404

    def test_a_colleague_without_triage_gets_403(self, client, oscar):
        assert sign_in(client, oscar).get(url(file_report())).status_code == 403

    def test_an_outsider_without_triage_gets_404_as_in_the_api(self, client, dave):
        report = file_report(photo=True)
        attachment = report.attachments.get()
        sign_in(client, dave)
        assert client.get(url(report)).status_code == 404
        assert client.get(url(report, f"attachments/{attachment.pk}/")).status_code == 404
        assert client.post(url(report, "status/"), {"status": "in_triage"}).status_code == 404
        from haven.accounts.services import create_api_token

        _, secret = create_api_token(dave, actor=dave, name="probe")
        api = Client().get(
            f"/api/v1/triage/{report.pk}", headers={"Authorization": f"Bearer {secret}"}
        )
        assert api.status_code == 404

    def test_an_unknown_report_is_404(self, client, alice):
        assert (
            sign_in(client, alice).get(f"{QUEUE}00000000-0000-0000-0000-000000000000/").status_code
            == 404
        )

    def test_attachments_download_without_metadata_and_audited(self, client, alice):
        report = file_report(photo=True)
        attachment = report.attachments.get()
        response = sign_in(client, alice).get(url(report, f"attachments/{attachment.pk}/"))
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"Exif" not in response.content
        assert Event.objects.filter(action="report.attachment_viewed").exists()
        assert (
            sign_in(Client(), alice)
            .get(url(file_report(), f"attachments/{attachment.pk}/"))
            .status_code
            == 404
        )


@pytest.mark.django_db
class TestActions:
    def test_a_status_change_is_audited(self, client, alice):
        report = file_report()
        response = sign_in(client, alice).post(url(report, "status/"), {"status": "in_triage"})
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.status == Status.IN_TRIAGE and report.triaged_at is not None
        assert Event.objects.get(action="report.status_changed").summary == {
            "from": "new",
            "to": "in_triage",
        }

    def test_closing_needs_a_reason(self, client, alice):
        report = file_report()
        response = sign_in(client, alice).post(url(report, "status/"), {"status": "closed"})
        assert response.status_code == 422 and b"Say why the report is closed" in response.content
        report.refresh_from_db()
        assert report.status == Status.NEW

    def test_a_referral_gives_the_other_organisation_access(self, client, alice, carol):
        report = file_report()
        shelter = carol.organisation
        sign_in(client, alice).post(
            url(report, "status/"), {"status": "referred", "referred_to": shelter.pk}
        )
        report.refresh_from_db()
        assert report.status == Status.REFERRED and report.referred_to == shelter
        assert sign_in(Client(), carol).get(url(report)).status_code == 200

    def test_a_frontline_worker_may_not_refer(self, client, bob, carol):
        report = file_report()
        response = sign_in(client, bob).post(
            url(report, "status/"), {"status": "referred", "referred_to": carol.organisation.pk}
        )
        assert response.status_code == 403
        assert Report.objects.get(pk=report.pk).status == Status.NEW

    def test_the_receiving_organisation_does_not_see_the_senders_internal_notes(
        self, client, alice, carol
    ):
        report = file_report()
        services.add_staff_message(report, actor=alice, body="hotline-internal", internal=True)
        services.add_staff_message(report, actor=alice, body="reply-to-reporter", internal=False)
        services.change_status(
            report, actor=alice, status=Status.REFERRED, referred_to=carol.organisation
        )
        html = sign_in(client, carol).get(url(report)).content.decode()
        assert "reply-to-reporter" in html and "hotline-internal" not in html
        assert "hotline-internal" in sign_in(Client(), alice).get(url(report)).content.decode()

    def test_a_reply_reaches_the_reporter_but_a_note_does_not(self, client, alice):
        report = file_report()
        sign_in(client, alice)
        client.post(url(report, "messages/"), {"body": "Cảm ơn bạn."})
        client.post(url(report, "messages/"), {"body": "internal", "internal": "on"})
        assert [m.internal for m in report.messages.all()] == [False, True]
        assert (
            Event.objects.filter(action="report.reply").exists()
            and Event.objects.filter(action="report.note").exists()
        )
        assert report.messages.get(internal=False).body == "Cảm ơn bạn."

    def test_an_empty_message_is_refused(self, client, alice):
        report = file_report()
        response = sign_in(client, alice).post(url(report, "messages/"), {"body": ""})
        assert response.status_code == 422 and not report.messages.exists()

    def test_assignment_to_a_colleague_only(self, client, alice, bob, mallory):
        report = file_report()
        sign_in(client, alice)
        assert client.post(url(report, "assign/"), {"member": bob.pk}).status_code == 302
        report.refresh_from_db()
        assert report.assigned_to == bob
        assert client.post(url(report, "assign/"), {"member": mallory.pk}).status_code == 422
        report.refresh_from_db()
        assert report.assigned_to == bob

    @pytest.mark.parametrize(
        ("action", "data"),
        [
            ("status/", {"status": "in_triage"}),
            ("messages/", {"body": "x"}),
            ("assign/", {"member": ""}),
        ],
    )
    def test_every_form_enforces_csrf(self, alice, action, data):
        report = file_report()
        client = sign_in(Client(enforce_csrf_checks=True), alice)
        assert client.post(url(report, action), data).status_code == 403
        assert not Event.objects.filter(
            action__in=["report.status_changed", "report.reply", "report.assigned"]
        ).exists()

    @pytest.mark.parametrize("action", ["status/", "messages/", "assign/"])
    def test_outsiders_cannot_act(self, client, mallory, action):
        report = file_report()
        assert (
            sign_in(client, mallory)
            .post(url(report, action), {"status": "in_triage", "body": "x"})
            .status_code
            == 404
        )
        assert Report.objects.get(pk=report.pk).status == Status.NEW
