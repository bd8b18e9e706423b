from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "haven.federation"
    verbose_name = _("Federation")

    def ready(self) -> None:
        # Message handlers, and the hooks that send answers, thread messages and services.
        from haven.federation import handover, referrals, thread  # noqa: F401
