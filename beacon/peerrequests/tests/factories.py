from __future__ import annotations

import factory
from django.utils import timezone

from beacon.organizations.tests.factories import OrganizationFactory
from beacon.peerrequests.models import PeerRequest


class PeerRequestFactory(factory.django.DjangoModelFactory):
    """A request as the public form leaves it (written directly: no notification, no audit)."""

    class Meta:
        model = PeerRequest

    organization = factory.SubFactory(OrganizationFactory, peer_requests_open=True)
    name = "Sam"
    contact_by = "text"
    phone = "508-555-0142"
    best_time = "evening"
    language = "English"
    zip_code = "01602"
    help_with = "I want to stop drinking (secret help line)."
    consented_at = factory.LazyFunction(timezone.now)
