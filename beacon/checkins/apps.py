from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    """A participant's own check-ins (how today is going, cravings, a line, "I'd like my peer
    to reach out") and the recovery date they choose to celebrate (docs/portal.md)."""

    name = "beacon.checkins"
    label = "checkins"

    def ready(self):
        # What the participant did in their own Beacon shows on their timeline (docs/portal.md).
        from beacon.checkins.timeline import check_in_timeline_entries
        from beacon.participants.selectors import timeline_source_register

        timeline_source_register("checkins", check_in_timeline_entries)
