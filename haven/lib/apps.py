from django.apps import AppConfig


class LibConfig(AppConfig):
    """Shared helpers; an app only so that `haven rotate_keys` has a home."""

    name = "haven.lib"
    label = "lib"
