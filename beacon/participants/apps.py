from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "beacon.participants"
    label = "participants"
