from django.apps import AppConfig


class MessagingConfig(AppConfig):
    """The private conversation between a participant and their peer (docs/portal.md)."""

    name = "beacon.messaging"
    label = "messaging"

    def ready(self):
        # What the participant did in their own Beacon shows on their timeline (docs/portal.md).
        from beacon.messaging.timeline import message_timeline_entries
        from beacon.participants.selectors import timeline_source_register

        timeline_source_register("messaging", message_timeline_entries)
