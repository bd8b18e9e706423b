"""`haven federation_deliver`: one delivery round of the outbox (for tests and cron)."""

from django.core.management.base import BaseCommand

from haven.federation.outbox import deliver_round


class Command(BaseCommand):
    help = "Try once every federation message that is due; print how many went, wait and failed."

    def handle(self, *args, **options):
        result = deliver_round()
        self.stdout.write(
            f"Delivered {result.delivered}, to retry {result.retried}, failed {result.failed}."
        )
