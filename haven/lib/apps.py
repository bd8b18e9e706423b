from django.apps import AppConfig


class LibConfig(AppConfig):
    """Shared helpers; an app so that `haven rotate_keys` has a home and translation is set up."""

    name = "haven.lib"
    label = "lib"

    def ready(self):
        from haven.lib import i18n

        i18n.install()
