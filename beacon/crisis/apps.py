from django.apps import AppConfig
from django.core import checks


class CrisisConfig(AppConfig):
    name = "beacon.crisis"
    label = "crisis"

    def ready(self):
        checks.register(site_url_check, checks.Tags.security, deploy=True)


def site_url_check(app_configs=None, **kwargs):
    """Email sent outside a web request (a crisis flag's escalation, renewal reminders) can
    only link back to Beacon through BEACON_SITE_URL; without it the link is a bare path."""
    from django.conf import settings

    if settings.BEACON_SITE_URL.startswith(("https://", "http://")):
        return []
    return [
        checks.Warning(
            "BEACON_SITE_URL is not set to Beacon's public address (https://...): the "
            "escalation email of an unacknowledged crisis flag would carry no usable link.",
            hint="Set BEACON_SITE_URL, e.g. https://beacon.example.org (docs/crisis.md).",
            id="beacon.W001",
        )
    ]
