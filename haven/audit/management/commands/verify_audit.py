from django.core.management.base import BaseCommand, CommandError

from haven.audit.anchors import verify_audit


class Command(BaseCommand):
    help = (
        "Recompute the audit log's keyed hash chain and check it against the anchors; "
        "exit 1 naming the first broken event."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchors",
            help="Read anchors from this file (e.g. lines exported from the log collector) "
            "instead of HAVEN_AUDIT_ANCHOR_FILE.",
        )

    def handle(self, *args, anchors=None, **options):
        lines = None
        if anchors:
            try:
                with open(anchors, encoding="utf-8", errors="replace") as file:
                    lines = file.read().splitlines()
            except OSError as error:
                raise CommandError(f"Cannot read {anchors}: {error.strerror}.") from None
        report = verify_audit(lines)
        chain = report.chain
        if not chain.intact:
            raise CommandError(
                f"Audit log broken at event {chain.broken_seq}: {chain.problem}. "
                f"{chain.count} events before it are intact."
            )
        if report.anchor_problem:
            raise CommandError(f"Audit log does not match its anchors: {report.anchor_problem}.")
        self.stdout.write(
            f"Audit log intact: {chain.count} events, {report.anchors_checked} anchors match. "
            f"Head hash: {chain.head}"
        )
