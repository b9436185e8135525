from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "beacon.matching"
    label = "matching"
