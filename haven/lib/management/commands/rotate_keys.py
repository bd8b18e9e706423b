from django.core.management.base import BaseCommand

from haven.lib.crypto import rotate_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value under the first key of HAVEN_ENCRYPTION_KEYS. "
        "Safe to interrupt and run again: values already under that key are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args, batch_size, **options):
        rotate_all(batch_size=batch_size, stdout=self.stdout)
