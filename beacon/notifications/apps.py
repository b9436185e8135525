from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "beacon.notifications"
    label = "notifications"
