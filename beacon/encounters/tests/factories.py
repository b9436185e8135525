import factory
from django.utils import timezone

from beacon.encounters.models import Encounter, EncounterKind, Modality, Setting
from beacon.encounters.services import encounter_log
from conftest import member_of


class EncounterFactory(factory.django.DjangoModelFactory):
    """A stored encounter, for reading tests. Tests of logging go through encounter_log."""

    class Meta:
        model = Encounter

    participant = factory.SubFactory("beacon.participants.tests.factories.ParticipantFactory")
    organization = factory.SelfAttribute("participant.organization")
    peer = factory.SubFactory("beacon.accounts.tests.factories.UserFactory")
    created_by = factory.SelfAttribute("peer")
    occurred_at = factory.LazyFunction(timezone.now)
    duration_minutes = 30
    modality = Modality.IN_PERSON
    setting = Setting.COMMUNITY
    kind = EncounterKind.ONE_ON_ONE
    topics = factory.LazyFunction(lambda: ["housing"])
    note = "Talked about the housing application."
    billable_units = 2


def log(user, participant, **values):
    """Log an encounter as `user`, with sensible defaults for what the test does not care about."""
    defaults = {
        "duration_minutes": 30,
        "modality": "in_person",
        "setting": "community",
        "kind": "one_on_one",
    }
    return encounter_log(member=member_of(user), participant=participant, **{**defaults, **values})
