"""A job is written in the transaction of the change that causes it: both or neither."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from haven.conftest import create_personas
from haven.reports import services
from haven.reports.models import Report

NOTIFY = "haven.reports.tasks.send_notification"


def new_report():
    return services.submit_report(services.NewReport(country="VN", description="Ở khu trọ"), [])


@pytest.mark.django_db(transaction=True)
class TestDurable:
    def test_a_committed_report_leaves_exactly_one_notification_job(self):
        create_personas()
        report, _receipt = new_report()
        [result] = DBTaskResult.objects.all()
        assert result.task_path == NOTIFY and result.status == "READY"
        assert result.args_kwargs == {"args": ["new"], "kwargs": {"report_id": str(report.pk)}}

    def test_a_rolled_back_report_leaves_no_job(self):
        create_personas()
        with pytest.raises(RuntimeError), transaction.atomic():
            new_report()
            assert DBTaskResult.objects.count() == 1  # written, inside the transaction
            raise RuntimeError("the request failed after the report was stored")
        assert not Report.objects.exists()
        assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
class TestIdempotent:
    def test_a_notification_for_a_report_gone_since_sends_nothing(self, run_jobs, mailoutbox):
        report, _receipt = new_report()
        report.delete()
        assert run_jobs() == 1
        assert mailoutbox == []
        assert DBTaskResult.objects.get().return_value == 0

    def test_the_purge_warning_mail_is_a_job_of_the_purge_transaction(self, run_jobs, mailoutbox):
        from datetime import timedelta

        from django.utils import timezone

        report, _receipt = new_report()
        run_jobs()
        mailoutbox.clear()
        Report.objects.filter(pk=report.pk).update(last_activity=timezone.now() - timedelta(85))
        assert services.purge_expired_reports().warned == 1
        [job] = DBTaskResult.objects.filter(status="READY")
        assert job.args_kwargs["args"] == ["purge"] and job.args_kwargs["kwargs"]["count"] == 1
        run_jobs()
        assert len(mailoutbox) == 1 and "Ở khu trọ" not in mailoutbox[0].body
