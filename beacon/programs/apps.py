from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "beacon.programs"
    label = "programs"
