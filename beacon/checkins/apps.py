from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    """A participant's own check-ins (how today is going, cravings, a line, "I'd like my peer
    to reach out") and the recovery date they choose to celebrate (docs/portal.md)."""

    name = "beacon.checkins"
    label = "checkins"
