from django.apps import AppConfig


class EncountersConfig(AppConfig):
    name = "beacon.encounters"
    label = "encounters"
