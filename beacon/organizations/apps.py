from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "beacon.organizations"
    label = "organizations"
