from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "beacon.billing"
    label = "billing"
