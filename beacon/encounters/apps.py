from django.apps import AppConfig


class EncountersConfig(AppConfig):
    name = "beacon.encounters"
    label = "encounters"

    def ready(self):
        from beacon.encounters.hours import SOURCE, encounter_hours_items
        from beacon.workforce.hours import hours_source_register

        hours_source_register(SOURCE, encounter_hours_items)
