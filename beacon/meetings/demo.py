"""The demo's meetings: the team's own invented Meeting Guide feed (demo_feed.json: 42 meetings
around Worcester, Massachusetts, no real groups, first names only), imported as any feed is,
and three meetings entered by hand that come from no feed."""

from __future__ import annotations

import datetime
from pathlib import Path

from beacon.meetings import services
from beacon.meetings.feed import types_text

FEED = Path(__file__).parent / "demo_feed.json"

HAND_ENTERED = [
    {
        "name": "SMART Recovery Worcester",
        "slug": "smart-recovery-worcester",
        "group": "SMART Recovery",
        "days": "2",
        "time": datetime.time(18, 0),
        "end_time": datetime.time(19, 30),
        "types": types_text(["O", "D"]),
        "location": "Harbor Recovery Community Center",
        "address": "210 Lincoln Street",
        "city": "Worcester",
        "state": "MA",
        "postal_code": "01605",
        "notes": "Self-management and recovery training; all paths welcome.",
    },
    {
        "name": "Recovery Dharma Online",
        "slug": "recovery-dharma-online",
        "group": "Recovery Dharma",
        "days": "14",
        "time": datetime.time(19, 0),
        "end_time": datetime.time(20, 0),
        "types": types_text(["O", "MED"]),
        "formatted_address": "Worcester, MA, USA",
        "conference_url": "https://meet.example.org/j/5550101",
        "conference_phone": "+16465550199,,5550101#",
        "notes": "Meditation and inquiry; Buddhist-inspired, no experience needed.",
    },
    {
        "name": "All Recovery Peer Group",
        "slug": "all-recovery-peer-group",
        "group": "Harbor peer-led groups",
        "days": "6",
        "time": datetime.time(10, 0),
        "end_time": datetime.time(11, 0),
        "types": types_text(["O", "D", "BE"]),
        "location": "Harbor Recovery Community Center",
        "address": "210 Lincoln Street",
        "city": "Worcester",
        "state": "MA",
        "postal_code": "01605",
        "notes": "Every pathway welcome: mutual aid, medication, faith, harm reduction.",
        "extra": {"contact_1_name": "Pat", "contact_1_phone": "508-555-0142"},
    },
]


def demo_meetings_create(*, admin) -> None:
    """Import the demo feed for the admin's organization and enter the hand-made meetings."""
    feed = services.feed_for_source(
        organization=admin.organization,
        source="file:demo_feed.json",
        name="Central Mass Intergroup (demo feed)",
    )
    services.feed_import(feed=feed, raw=FEED.read_bytes(), actor=admin.user)
    for values in HAND_ENTERED:
        row = {
            "days": "",
            "time": None,
            "end_time": None,
            "timezone": "America/New_York",
            "types": "",
            "location": "",
            "address": "",
            "city": "",
            "state": "",
            "postal_code": "",
            "formatted_address": "",
            "conference_url": "",
            "conference_phone": "",
            "notes": "",
            "latitude": None,
            "longitude": None,
            "approximate": False,
            "extra": {},
            **values,
        }
        services.meeting_save(member=admin, meeting=None, values=row)
