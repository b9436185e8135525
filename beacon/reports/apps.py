from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "beacon.reports"
    label = "reports"
    verbose_name = "Reports: outcomes, community work and the statewide view"

    def ready(self):
        from beacon.reports.hours import community_hours_items
        from beacon.workforce.hours import COMMUNITY_WORK_SOURCE, hours_source_register

        hours_source_register(COMMUNITY_WORK_SOURCE, community_hours_items)
