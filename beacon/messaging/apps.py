from django.apps import AppConfig


class MessagingConfig(AppConfig):
    """The private conversation between a participant and their peer (docs/portal.md)."""

    name = "beacon.messaging"
    label = "messaging"
