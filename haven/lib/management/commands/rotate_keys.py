from django.core.management.base import BaseCommand

from haven.lib.crypto import current_key_id, rotate_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value under the first key of HAVEN_ENCRYPTION_KEYS. "
        "Safe to interrupt and run again: values already under that key are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args, batch_size, **options):
        report = rotate_all(batch_size=batch_size, stdout=self.stdout)
        self.stdout.write(
            f"Key {current_key_id()}: {report.values_reencrypted} values re-encrypted in "
            f"{report.rows_checked} rows of {report.models} models."
        )
