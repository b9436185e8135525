from django.apps import AppConfig


class PeerRequestsConfig(AppConfig):
    """Talk to a peer: the public form at /talk-to-a-peer/, and the requests it sends waiting
    in an organization's queue on its supervisors' My day (docs/public-site.md)."""

    name = "beacon.peerrequests"
    label = "peerrequests"
