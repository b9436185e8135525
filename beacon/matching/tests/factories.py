from __future__ import annotations

import factory

from beacon.accounts.tests.factories import UserFactory
from beacon.matching.models import PeerProfile, Proposal, ProposalPair
from beacon.organizations.tests.factories import OrganizationFactory


class PeerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerProfile

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    values = factory.LazyFunction(dict)
    shared = factory.LazyFunction(list)


class ProposalFactory(factory.django.DjangoModelFactory):
    """A stored proposal with one pair for `participant` (written directly, as the solver's
    answer would be stored), for tests that are about who may read or decide one."""

    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    created_by = factory.SubFactory(UserFactory)
    total = 5.0
    greedy_total = 4.0
    proven_optimal = True

    @factory.post_generation
    def participant(self, create, extracted, **kwargs):
        if create and extracted is not None:
            ProposalPair.objects.create(
                proposal=self, participant=extracted, fit=5.0, reasons=["has room for 3 more"]
            )
