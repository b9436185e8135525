"""Community work counts toward a credential's experience hours where the definition allows."""

from __future__ import annotations

import datetime

from beacon.reports.services import community_activity_log
from beacon.workforce.hours import hours_items
from beacon.workforce.models import CredentialDefinition, PeerCredential
from beacon.workforce.selectors import credential_progress
from conftest import member_of


def _credential(pat, harbor, *, counts: bool) -> PeerCredential:
    definition = CredentialDefinition.objects.create(
        organization=harbor,
        name=f"Test credential {counts}",
        experience_hours=10,
        community_work_counts=counts,
    )
    return PeerCredential.objects.create(
        organization=harbor, user=pat, definition=definition, created_by=pat
    )


def test_community_work_is_experience_when_the_credential_allows(pat, harbor):
    community_activity_log(
        member=member_of(pat),
        values={"kind": "presentation", "minutes": 90, "on": datetime.date(2026, 3, 2)},
    )
    items = hours_items(user=pat)
    assert [(i.minutes, i.source, i.category) for i in items] == [(90, "community", "experience")]
    assert "Presentation" in items[0].description

    counting = credential_progress(_credential(pat, harbor, counts=True), items)
    assert counting.requirements[0].done_minutes == 90
    not_counting = credential_progress(_credential(pat, harbor, counts=False), items)
    assert not_counting.requirements[0].done_minutes == 0


def test_the_definition_form_keeps_the_choice(client_for, ada, harbor):
    response = client_for(ada).get("/workforce/definitions/new/")
    assert 'name="community_work_counts"' in response.content.decode()
