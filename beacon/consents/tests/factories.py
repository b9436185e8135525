import datetime

import factory
from django.utils import timezone

from beacon.consents.models import (
    Consent,
    ConsentKind,
    ConsentRecipient,
    ExpiryKind,
    SignatureMethod,
)
from beacon.consents.services import directory_recipient, recipient_organization
from beacon.participants.tests.factories import ParticipantFactory


class ConsentFactory(factory.django.DjangoModelFactory):
    """A stored consent, bypassing the service (for reads, lists and query counts). Tests of
    the rules go through services.consent_record."""

    class Meta:
        model = Consent
        skip_postgeneration_save = True

    participant = factory.SubFactory(ParticipantFactory)
    organization = factory.SelfAttribute("participant.organization")
    kind = ConsentKind.SPECIFIC_RECIPIENT
    discloser = factory.SelfAttribute("participant.organization.name")
    information_description = "Dates of attendance and progress in peer support."
    purpose = "To coordinate care with the clinic."
    expiry_kind = ExpiryKind.DATE
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=180))
    revocation_instructions = "Tell us in writing."
    signed_name = factory.LazyAttribute(lambda o: o.participant.legal_name)
    signed_on = factory.LazyFunction(timezone.localdate)
    signature_method = SignatureMethod.IN_PERSON
    recorded_by = factory.SelfAttribute("participant.created_by")

    @factory.post_generation
    def recipients(obj, create, extracted, **kwargs):
        """recipients=["Name", ...]; one clinic by default."""
        if not create:
            return
        for name in extracted if extracted is not None else ["Harbor Clinic"]:
            RecipientFactory(consent=obj, name=name)


class RecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentRecipient

    consent = factory.SubFactory(ConsentFactory, recipients=[])
    name = factory.Sequence(lambda n: f"Recipient {n}")
    description = "Primary care clinic"
    # As consent_record decides it: a row naming the organization itself is that organization.
    beacon_organization = factory.LazyAttribute(
        lambda o: recipient_organization(o.consent.organization, o.name)
    )
    # As consent_record decides it too: a name that is one directory entry's is that entry.
    directory_organization = factory.LazyAttribute(
        lambda o: None if o.beacon_organization else directory_recipient(o.name)[0]
    )
    directory_service = factory.LazyAttribute(
        lambda o: None if o.beacon_organization else directory_recipient(o.name)[1]
    )
