from django.core.management.base import BaseCommand, CommandError

from haven.audit.services import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain; exit 1 naming the first broken event."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.intact:
            raise CommandError(
                f"Audit log broken at event {report.broken_seq}: {report.problem}. "
                f"{report.count} events before it are intact."
            )
        self.stdout.write(
            f"Audit log intact: {report.count} events. Head hash: {report.head}\n"
            "Keep the head hash somewhere else: it lets a later check prove that no events "
            "were removed from the end."
        )
