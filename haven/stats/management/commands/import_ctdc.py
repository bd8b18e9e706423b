"""haven import_ctdc FILE --name NAME: load a CTDC data set as a named statistics source."""

from django.core.management.base import BaseCommand, CommandError

from haven.stats.ctdc import CTDCError, import_file


class Command(BaseCommand):
    help = "Load a CTDC CSV (victim-perpetrator, global synthetic or k-anonymised global data set)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--name", required=True, help="the source's name, e.g. ctdc-vp-2022")
        parser.add_argument("--replace", action="store_true", help="replace a source of that name")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="show it to the public (API without a token, public statistics page)",
        )

    def handle(self, *args, file, name, replace, publish, **options):
        try:
            result = import_file(file, name, replace=replace, publish=publish)
        except CTDCError as error:
            raise CommandError(str(error)) from None
        delimiter = "semicolon" if result.delimiter == ";" else "comma"
        self.stdout.write(
            f"{name}: {result.format} format, {delimiter}-separated. Rows read {result.rows_read}, "
            f"loaded {result.rows_loaded}, refused {result.rows_refused}."
        )
        for reason, count in result.refusals.most_common():
            self.stdout.write(f"  refused {count}: {reason}")
        if publish:
            self.stdout.write(f"{name} is published: /stats/?source={name}")
        else:
            self.stdout.write(
                f"{name} is for staff only; publish it with --publish or in the admin."
            )
