from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "beacon.directory"
    label = "directory"
