import factory

from beacon.accounts.tests.factories import UserFactory
from beacon.organizations.models import Membership, Organization, Role
from beacon.organizations.selectors import organization_slug_for


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Recovery Community {n}")
    # From the name, as organization_create makes it ("harbor-recovery-community").
    slug = factory.LazyAttribute(lambda o: organization_slug_for(o.name))
    # Tests enrol MFA where they test it; elsewhere staff would be sent to enrolment first.
    mfa_required = False


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.PEER
