from django.core.management.base import BaseCommand, CommandError

from haven.accounts.models import User
from haven.accounts.services import create_api_token


class Command(BaseCommand):
    help = "Make a personal API token for USERNAME and print it (it is stored only as a hash)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="what the token is for")
        parser.add_argument("--days", type=int, default=None, help="expire after this many days")

    def handle(self, *args, username, name, days, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more.")
        _, secret = create_api_token(user, actor=None, name=name, valid_days=days)
        self.stdout.write(secret)
