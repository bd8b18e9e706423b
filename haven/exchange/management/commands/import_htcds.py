from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from haven.accounts.models import Organisation, User
from haven.exchange.importer import import_bytes


class Command(BaseCommand):
    help = (
        "Import cases from an HTCDS CSV or JSON file (by its extension, else its content). Every "
        "row is checked first and each problem printed; by default nothing is imported if one "
        "row is invalid. Audited. See docs/exchange.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", help="the organisation's name; else the actor's")
        parser.add_argument("--actor", help="the username the import and its history are under")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import the valid cases, list the rest"
        )

    def handle(self, *args, file, org, actor, dry_run, skip_invalid, **options):
        user = None
        if actor:
            user = User.objects.filter(username=actor, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user named {actor!r}.")
        if org:
            organisation = Organisation.objects.filter(name=org).first()
            if organisation is None:
                raise CommandError(f"No organisation named {org!r}.")
        elif user is not None and user.organisation is not None:
            organisation = user.organisation
        else:
            raise CommandError("Name the organisation to import into with --org.")
        if user is not None and user.organisation_id not in (None, organisation.pk):
            raise CommandError(f"{actor} is not a member of {organisation.name}.")
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        result = import_bytes(
            content,
            filename=path.name,
            organisation=organisation,
            actor=user,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
        )
        for problem in result.problems:
            self.stderr.write(str(problem))
        people = f"{result.cases} cases with {result.people} people"
        if result.blocked:
            would = "would be" if dry_run else "was"
            raise CommandError(
                f"Nothing {would} imported: {len(result.problems)} problems "
                f"({result.invalid_rows} invalid rows of {result.rows})."
            )
        skipped = f"; {result.invalid_rows} invalid rows left out" if result.invalid_rows else ""
        if dry_run:
            self.stdout.write(f"Dry run: {people} are valid{skipped}. Nothing was written.")
        else:
            self.stdout.write(f"Imported {people} into {organisation.name}{skipped}.")
        if options["verbosity"] > 1:
            for source, reference in result.references.items():
                self.stdout.write(f"{source} -> {reference}")
