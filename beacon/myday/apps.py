from django.apps import AppConfig


class MydayConfig(AppConfig):
    name = "beacon.myday"
    label = "myday"
