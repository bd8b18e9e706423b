from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from haven.hub.content import ContentError, load_content


class Command(BaseCommand):
    help = "Load the articles and help-lines in content/ (idempotent: unchanged files are skipped)."

    def add_arguments(self, parser):
        parser.add_argument("--path", default=str(Path(settings.BASE_DIR) / "content"))
        parser.add_argument(
            "--force",
            action="store_true",
            help="load every file even if unchanged, and rebuild the search index",
        )

    def handle(self, *args, path, force, **options):
        try:
            report = load_content(Path(path), force=force)
        except ContentError as error:
            raise CommandError(f"Content not loaded: {error}") from None
        self.stdout.write(
            f"Articles: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.unpublished} unpublished. "
            f"Help-lines: {report.helplines}."
        )
