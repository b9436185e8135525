from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "beacon.supervision"
    label = "supervision"
    verbose_name = "Supervision, note review and workload"

    def ready(self):
        from beacon.supervision.hours import supervision_hours
        from beacon.workforce.hours import hours_source_register

        hours_source_register("supervision", supervision_hours)
