import os

from django.core.management.base import BaseCommand, CommandError

from haven.accounts.models import Organisation
from haven.exchange.export import cases_for_export, export_csv, export_json, record_export


class Command(BaseCommand):
    help = (
        "Export cases in HTCDS 2.0 formats: CSV with the 38 CORE columns of the Excel template "
        "(--extended adds Haven's columns), or full JSON. Audited. See docs/exchange.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--org", help="the organisation's name; every organisation without it")
        parser.add_argument(
            "--extended",
            action="store_true",
            help="CSV: add Haven's columns after the 38 (case reference, dates, more fields)",
        )
        parser.add_argument("--output", help="file to write (readable by you only); else stdout")

    def handle(self, *args, format, org, extended, output, **options):
        organisation = None
        if org:
            organisation = Organisation.objects.filter(name=org).first()
            if organisation is None:
                raise CommandError(f"No organisation named {org!r}.")
        cases = cases_for_export(organisation)
        count = cases.count()
        extended = extended and format == "csv"
        record_export(
            actor=None,
            organisation=organisation,
            format=format,
            extended=extended,
            count=count,
            via="command",
        )
        pieces = export_csv(cases, extended=extended) if format == "csv" else export_json(cases)
        if output:
            # Personal data: the file is made readable by its owner only.
            descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with open(descriptor, "w", encoding="utf-8", newline="") as file:
                for piece in pieces:
                    file.write(piece)
            self.stderr.write(f"Exported {count} cases to {output}.")
        else:
            for piece in pieces:
                self.stdout.write(piece, ending="")
