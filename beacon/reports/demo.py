"""The demo's reports: a network of the two demo organizations (Harbor and Lakeside) with a
network viewer who sees it, and community work the peers logged over the past months. Written
through the services, so the audit trail has it as in real use. Seeded pseudo-random data."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from beacon.organizations.models import Membership
from beacon.reports import services
from beacon.reports.models import ActivityKind

DEMO_NETWORK = "Demo state network"

WHERE = [
    "County fair",
    "Public library",
    "Community college",
    "City council",
    "Main Street outreach table",
    "Church hall",
    "Shelter",
]
NOTES = {
    ActivityKind.OUTREACH_EVENT: "Table with recovery resources and meeting lists.",
    ActivityKind.PRESENTATION: "Talk about peer support and what recovery can look like.",
    ActivityKind.ADVOCACY: "Spoke for recovery housing funding.",
    ActivityKind.TRAINING_GIVEN: "Naloxone training for volunteers.",
    ActivityKind.NALOXONE: "Kits handed out with how-to cards.",
}


def demo_reports_create(*, platform_admin, viewer, organizations, peers: list[Membership], seed):
    """The network, its viewer, and a year of community work by `peers`."""
    network = services.network_create(
        actor=platform_admin,
        name=DEMO_NETWORK,
        description="Harbor and Lakeside, as a state or a funder would see them.",
    )
    for organization in organizations:
        services.network_member_add(
            actor=platform_admin, network=network, organization=organization
        )
    services.network_viewer_add(actor=platform_admin, network=network, user=viewer)
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    kinds = list(ActivityKind)
    for peer in peers:
        for _ in range(rng.randint(8, 14)):
            kind = rng.choice(kinds)
            services.community_activity_log(
                member=peer,
                values={
                    "kind": kind,
                    "on": today - timedelta(days=rng.randint(1, 330)),
                    "minutes": rng.choice([45, 60, 90, 120, 180]),
                    "people_reached": rng.randint(5, 60),
                    "naloxone_kits": rng.randint(5, 30) if kind == ActivityKind.NALOXONE else 0,
                    "where": rng.choice(WHERE),
                    "note": NOTES[kind],
                },
            )
    return network
