from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "beacon.plans"
    label = "plans"
