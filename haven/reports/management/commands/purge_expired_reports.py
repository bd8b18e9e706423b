from django.conf import settings
from django.core.management.base import BaseCommand

from haven.reports.services import purge_expired_reports


class Command(BaseCommand):
    help = (
        "Delete reports closed or untouched for HAVEN_REPORT_RETENTION_DAYS, and warn the "
        "receiving organisations 7 days before. Run it daily (see README)."
    )

    def handle(self, *args, **options):
        result = purge_expired_reports()
        self.stdout.write(
            f"Deleted {result.deleted} reports older than {settings.HAVEN_REPORT_RETENTION_DAYS} "
            f"days; warned about {result.warned} that expire within 7 days."
        )
