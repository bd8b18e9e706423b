from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "haven.federation"
    verbose_name = _("Federation")

    def ready(self) -> None:
        from haven.federation import referrals  # noqa: F401 (message handlers, the answer hook)
