import factory
from django.utils import timezone

from beacon.accounts.tests.factories import UserFactory
from beacon.organizations.tests.factories import OrganizationFactory
from beacon.participants.models import CaseloadAssignment, CaseloadRole, Participant


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    organization = factory.SubFactory(OrganizationFactory)
    record_number = factory.Sequence(lambda n: 1000 + n)
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    created_by = factory.SubFactory(UserFactory)
    pathways = factory.LazyFunction(lambda: ["12_step"])


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseloadAssignment

    participant = factory.SubFactory(ParticipantFactory)
    peer = factory.SubFactory(UserFactory)
    role = CaseloadRole.PRIMARY
    started_at = factory.LazyFunction(timezone.now)
    assigned_by = factory.SelfAttribute("peer")
