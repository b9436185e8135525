from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "beacon.meetings"
    label = "meetings"
