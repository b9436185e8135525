from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The participant's own Beacon (/my/, /api/v1/me/): their pages, built on the domain apps,
    and the invitations that let them in (docs/portal.md)."""

    name = "beacon.portal"
    label = "portal"

    def ready(self):
        from beacon.participants.signals import participant_discharged
        from beacon.portal.invite_services import on_participant_discharged

        # At discharge, a participant with their own Beacon is told it is read-only now.
        participant_discharged.connect(
            on_participant_discharged, dispatch_uid="portal.read_only_notice"
        )
