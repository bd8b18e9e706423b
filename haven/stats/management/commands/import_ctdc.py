"""haven import_ctdc FILE --name NAME: load a CTDC data set as a named statistics source."""

from django.core.management.base import BaseCommand, CommandError

from haven.stats.ctdc import CTDCError, import_file


class Command(BaseCommand):
    help = "Load a CTDC CSV (victim-perpetrator, global synthetic or k-anonymised global data set)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--name", required=True, help="the source's name, e.g. ctdc-vp-2022")
        parser.add_argument("--replace", action="store_true", help="replace a source of that name")

    def handle(self, *args, file, name, replace, **options):
        try:
            result = import_file(file, name, replace=replace)
        except CTDCError as error:
            raise CommandError(str(error)) from None
        delimiter = "semicolon" if result.delimiter == ";" else "comma"
        self.stdout.write(
            f"{name}: {result.format} format, {delimiter}-separated. Rows read {result.rows_read}, "
            f"loaded {result.rows_loaded}, refused {result.rows_refused}."
        )
        for reason, count in result.refusals.most_common():
            self.stdout.write(f"  refused {count}: {reason}")
