"""`haven peers`: list peers; suspend, resume or refresh one."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from haven.federation.identity import DocumentError
from haven.federation.models import OutboxState, Peer, PeerState
from haven.federation.peers import fetch_document, refresh_peer, set_state


class Command(BaseCommand):
    help = (
        "List peer deployments with their state and messages waiting; --suspend / --resume a "
        "peer (by address), or --refresh its document after it rotated its keys."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--suspend", metavar="URL")
        group.add_argument("--resume", metavar="URL")
        group.add_argument("--refresh", metavar="URL")
        parser.add_argument("--file", type=Path, help="With --refresh: read the document here")

    def _peer(self, url: str) -> Peer:
        peer = Peer.objects.filter(base_url=url.rstrip("/")).first()
        if peer is None:
            raise CommandError(f"No peer at {url}.")
        return peer

    def handle(self, *args, **options):
        if options["suspend"]:
            set_state(self._peer(options["suspend"]), PeerState.SUSPENDED)
        elif options["resume"]:
            set_state(self._peer(options["resume"]), PeerState.ACTIVE)
        elif options["refresh"]:
            peer = self._peer(options["refresh"])
            try:
                if options["file"]:
                    signed = json.loads(options["file"].read_text())
                else:
                    signed = fetch_document(peer.base_url)
                refresh_peer(peer, signed)
            except DocumentError as error:
                raise CommandError(f"Refused: {error}.") from None
            except (OSError, ValueError) as error:
                raise CommandError(f"Could not read: {error.__class__.__name__}.") from None
        for peer in Peer.objects.all():
            pending = peer.outbox.filter(state=OutboxState.PENDING).count()
            failed = peer.outbox.filter(state=OutboxState.FAILED).count()
            self.stdout.write(
                f"{peer.country}  {peer.name}  {peer.base_url}  {peer.state}  "
                f"fingerprint {peer.fingerprint}  pending {pending}  failed {failed}"
            )
