from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "beacon.workforce"
    label = "workforce"
    verbose_name = "Workforce: certification hours, training and wellbeing"
