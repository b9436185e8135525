from django.apps import AppConfig


class ConsentsConfig(AppConfig):
    name = "beacon.consents"
    label = "consents"
