"""`haven add_peer URL`: fetch a peer's signed identity document, check it, and pin it."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from haven.federation.identity import DocumentError
from haven.federation.peers import add_peer, fetch_document


class Command(BaseCommand):
    help = (
        "Pin another Haven deployment as a peer from its /.well-known/haven-federation.json "
        "(or a copy of it given with --file), refusing it if the country or fingerprint differ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "url", nargs="?", help="The peer's address, e.g. https://haven.example.th"
        )
        parser.add_argument("--country", default="", help="The country the peer must serve (TH)")
        parser.add_argument("--fingerprint", default="", help="The fingerprint its people gave you")
        parser.add_argument("--file", type=Path, help="Read the document from this file instead")

    def handle(self, *args, **options):
        try:
            if options["file"]:
                signed = json.loads(options["file"].read_text())
            elif options["url"]:
                signed = fetch_document(options["url"])
            else:
                raise CommandError("Give the peer's address or --file.")
            peer = add_peer(signed, country=options["country"], fingerprint=options["fingerprint"])
        except DocumentError as error:
            raise CommandError(f"Refused: {error}.") from None
        except (OSError, ValueError) as error:
            raise CommandError(
                f"Could not read the document: {error.__class__.__name__}."
            ) from None
        self.stdout.write(f"Pinned {peer.name} ({peer.country}) at {peer.base_url}")
        self.stdout.write(f"Fingerprint: {peer.fingerprint}")
