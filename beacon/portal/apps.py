from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The participant's own Beacon (/my/, /api/v1/me/): their pages, built on the domain apps,
    and the invitations that let them in (docs/portal.md)."""

    name = "beacon.portal"
    label = "portal"
