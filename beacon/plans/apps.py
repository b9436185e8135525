from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "beacon.plans"
    label = "plans"

    def ready(self):
        # What the participant did in their own Beacon shows on their timeline (docs/portal.md).
        from beacon.participants.selectors import timeline_source_register
        from beacon.plans.timeline import plan_update_timeline_entries

        timeline_source_register("plans", plan_update_timeline_entries)
