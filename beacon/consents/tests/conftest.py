from datetime import timedelta

import pytest
from django.utils import timezone

from beacon.consents import services
from beacon.consents.models import ConsentKind, ExpiryKind, SignatureMethod
from conftest import member_of


def valid_fields(**overrides):
    """Everything a specific-recipient consent needs, as a person would fill it in."""
    fields = {
        "kind": ConsentKind.SPECIFIC_RECIPIENT,
        "recipients": [{"name": "Dr. Lee", "description": "Harbor primary care clinic"}],
        "purpose": "To coordinate care with my doctor.",
        "information_description": "Dates I attended peer support and how I am doing.",
        "expiry_kind": ExpiryKind.DATE,
        "expires_on": timezone.localdate() + timedelta(days=365),
        "expiry_event": "",
        "signed_name": "Jordan Rivers",
        "signed_on": timezone.localdate(),
        "signer_relationship": "",
        "signature_method": SignatureMethod.IN_PERSON,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def record():
    """record(user, participant, **overrides): a consent recorded through the service."""

    def make(user, participant, **overrides):
        return services.consent_record(
            member=member_of(user), participant=participant, **valid_fields(**overrides)
        )

    return make
