"""Reports closed or untouched are deleted after the retention period; staff warned first."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from haven.audit.models import Event
from haven.reports import services
from haven.reports.models import Report, Status
from haven.reports.tests.test_triage import file_report


def age(report, days):
    Report.objects.filter(pk=report.pk).update(last_activity=timezone.now() - timedelta(days=days))


@pytest.mark.django_db
class TestPurge:
    def test_old_closed_and_untouched_reports_go_accepted_ones_stay(self, alice):
        closed = file_report()
        services.change_status(closed, actor=alice, status=Status.CLOSED, reason="resolved")
        untouched, accepted, recent = file_report(), file_report(), file_report()
        services.change_status(accepted, actor=alice, status=Status.ACCEPTED)
        for report in (closed, untouched, accepted):
            age(report, 91)
        age(recent, 10)
        result = services.purge_expired_reports()
        assert result.deleted == 2
        assert set(Report.objects.values_list("pk", flat=True)) == {accepted.pk, recent.pk}
        purged = Event.objects.filter(action="report.purged")
        assert {event.object_id for event in purged} == {str(closed.pk), str(untouched.pk)}

    def test_messages_and_attachments_go_with_the_report(self):
        report = file_report(photo=True)
        services.add_reporter_message(report, "more", [])
        age(report, 100)
        services.purge_expired_reports()
        from haven.reports.models import Attachment, Message

        assert not Attachment.objects.exists() and not Message.objects.exists()

    def test_staff_are_warned_seven_days_before_once(self, settings, run_jobs):
        settings.HAVEN_REPORT_RETENTION_DAYS = 30
        report = file_report()
        age(report, 25)
        run_jobs()
        mail.outbox.clear()
        result = services.purge_expired_reports()
        assert (result.deleted, result.warned) == (0, 1)
        assert run_jobs() == 1
        assert len(mail.outbox) == 1 and "1 báo tin" in mail.outbox[0].body
        assert "Ở khu trọ" not in mail.outbox[0].body
        assert services.purge_expired_reports().warned == 0  # not twice

    def test_activity_resets_the_clock(self, alice):
        report = file_report()
        age(report, 89)
        services.add_staff_message(report, actor=alice, body="still working", internal=True)
        assert services.purge_expired_reports().deleted == 0

    def test_the_command_reports_counts(self):
        age(file_report(), 200)
        out = StringIO()
        call_command("purge_expired_reports", stdout=out)
        assert "Deleted 1 reports older than 90 days" in out.getvalue()
