from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "beacon.crisis"
    label = "crisis"
