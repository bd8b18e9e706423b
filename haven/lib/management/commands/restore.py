from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from haven.lib.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an encrypted backup into the configured database, which must be empty; "
        "HAVEN_BACKUP_KEY must hold the secret key (AGE-SECRET-KEY-1...)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            header = restore_backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored the backup made {header['created']}. Run `haven migrate` (for a newer "
            "release) and `haven verify_audit`."
        )
