from django.core.management.base import BaseCommand

from haven.audit.anchors import anchor_audit_head


class Command(BaseCommand):
    help = "Write the audit chain's head (event, hash, time) outside the database."

    def handle(self, *args, **options):
        anchor = anchor_audit_head()
        if anchor is None:
            self.stdout.write("The audit log is empty: nothing to anchor.")
        else:
            self.stdout.write(f"Anchored event {anchor.seq} ({anchor.hash}).")
