"""`haven federation_identity`: show (creating on first use), rotate or retire this deployment's keys."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from haven.federation.identity import document_claims, ensure_identity, retire, rotate


class Command(BaseCommand):
    help = (
        "Show this deployment's federation identity (name, address, key fingerprint) for peers "
        "to check by phone or letter; --rotate adds a key generation, --retire N removes one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rotate", action="store_true", help="Add a new key generation")
        parser.add_argument("--retire", type=int, metavar="N", help="Retire key generation N")

    def handle(self, *args, **options):
        ensure_identity()
        if options["rotate"]:
            self.stdout.write(f"New key generation {rotate()}.")
        if options["retire"] is not None:
            try:
                count = retire(options["retire"])
            except ValueError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"Retired {count} keys of generation {options['retire']}.")
        claims = document_claims()
        self.stdout.write(f"Name:        {claims['name']}")
        self.stdout.write(f"Country:     {claims['country']}")
        self.stdout.write(f"Address:     {settings.HAVEN_PUBLIC_URL}")
        self.stdout.write(f"Fingerprint: {claims['fingerprint']}")
        for key in claims["keys"]:
            self.stdout.write(f"  {key['use']} generation {key['generation']}: {key['kid']}")
