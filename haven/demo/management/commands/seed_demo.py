from django.core.management.base import BaseCommand

from haven.accounts.services import generate_password
from haven.demo.cases import create_demo_cases
from haven.demo.participation import create_demo_consultations, create_demo_progress
from haven.demo.personas import PERSONAS, create_demo_data
from haven.demo.thailand import PERSONAS as THAI_PERSONAS
from haven.demo.thailand import create_thai_demo_data


class Command(BaseCommand):
    help = (
        "Create the demo organisations, staff accounts and cases; print new passwords once. "
        "--country TH makes a Thai deployment's organisations and people instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--country",
            default="VN",
            choices=["VN", "TH"],
            help="VN (default): the Vietnamese demo; TH: Shelter BKK and the Thai demo people",
        )

        parser.add_argument(
            "--people-only",
            action="store_true",
            help="Only the organisations and accounts, no demo cases or consultations",
        )

    def handle(self, *args, **options):
        if options["country"] == "TH":
            created = create_thai_demo_data(lambda username: generate_password())
            self._print_accounts(created, {p.username: p.role for p in THAI_PERSONAS})
            return
        created = create_demo_data(lambda username: generate_password())
        if options["people_only"]:
            self._print_accounts(created, {persona.username: persona.role for persona in PERSONAS})
            return
        cases = create_demo_cases()
        if cases:
            self.stdout.write(f"Created {cases} fictional demo cases.")
        progress = create_demo_progress()
        if progress:
            self.stdout.write(f"Created {progress} fictional progress reports on commitments.")
        if create_demo_consultations():
            self.stdout.write("Created two fictional consultations.")
        self._print_accounts(created, {persona.username: persona.role for persona in PERSONAS})

    def _print_accounts(self, created: dict, roles: dict) -> None:
        if not created:
            self.stdout.write(
                "The demo accounts already exist; their passwords were shown when they were made."
            )
            return
        self.stdout.write("Demo accounts (the passwords are shown only this once):")
        for username, password in created.items():
            self.stdout.write(f"  {username:<8} {roles[username]:<13} {password}")
        self.stdout.write(
            "Roles that see personal data set up two-factor sign-in (an authenticator app) "
            "the first time they sign in."
        )
