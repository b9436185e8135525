from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "beacon.workforce"
    label = "workforce"
    verbose_name = "Workforce: certification hours, training and wellbeing"

    def ready(self):
        from beacon.workforce.hours import hours_source_register
        from beacon.workforce.sources import SOURCE, training_hours_items

        hours_source_register(SOURCE, training_hours_items)
