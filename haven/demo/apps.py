from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "haven.demo"
