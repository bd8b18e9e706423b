from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from haven.participation.content import CommitmentsError, load_commitments


class Command(BaseCommand):
    help = "Load the instruments and commitments in content/commitments/ (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", default=str(Path(settings.BASE_DIR) / "content" / "commitments")
        )

    def handle(self, *args, path, **options):
        try:
            report = load_commitments(Path(path))
        except CommitmentsError as error:
            raise CommandError(f"Commitments not loaded: {error}") from None
        self.stdout.write(
            f"Instruments: {report.instruments}. Commitments: {report.created} created, "
            f"{report.updated} updated."
        )
