from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from haven.lib.backups import BackupError, make_backup


class Command(BaseCommand):
    help = "Write an encrypted backup of the whole database (age, to HAVEN_BACKUP_KEY) to FILE."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            header = make_backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backup of the {header['engine']} database written to {file}.")
