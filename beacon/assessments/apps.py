from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "beacon.assessments"
    label = "assessments"
