from django.apps import AppConfig


class FindhelpConfig(AppConfig):
    name = "beacon.findhelp"
    label = "findhelp"
