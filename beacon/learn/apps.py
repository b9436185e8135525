from django.apps import AppConfig


class LearnConfig(AppConfig):
    name = "beacon.learn"
    label = "learn"
    verbose_name = "Learn: articles and the glossary"
