from django.core.management.base import BaseCommand

from haven.accounts.services import generate_password
from haven.demo.cases import create_demo_cases
from haven.demo.participation import create_demo_consultations, create_demo_progress
from haven.demo.personas import PERSONAS, create_demo_data


class Command(BaseCommand):
    help = "Create the demo organisations, staff accounts and cases; print new passwords once."

    def handle(self, *args, **options):
        created = create_demo_data(lambda username: generate_password())
        cases = create_demo_cases()
        if cases:
            self.stdout.write(f"Created {cases} fictional demo cases.")
        progress = create_demo_progress()
        if progress:
            self.stdout.write(f"Created {progress} fictional progress reports on commitments.")
        if create_demo_consultations():
            self.stdout.write("Created two fictional consultations.")
        if not created:
            self.stdout.write(
                "The demo accounts already exist; their passwords were shown when they were made."
            )
            return
        self.stdout.write("Demo accounts (the passwords are shown only this once):")
        roles = {persona.username: persona.role for persona in PERSONAS}
        for username, password in created.items():
            self.stdout.write(f"  {username:<8} {roles[username]:<13} {password}")
        self.stdout.write(
            "Roles that see personal data set up two-factor sign-in (an authenticator app) "
            "the first time they sign in."
        )
