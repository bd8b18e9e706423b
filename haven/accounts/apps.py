from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "haven.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self):
        from haven.accounts import signals  # noqa: F401  (connects django-axes' lockout signal)
