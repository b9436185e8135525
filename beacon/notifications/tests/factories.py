import factory

from beacon.notifications.models import Notification, NotificationKind


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory("beacon.accounts.tests.factories.UserFactory")
    organization = factory.SubFactory("beacon.organizations.tests.factories.OrganizationFactory")
    kind = NotificationKind.CRISIS_FLAG
    title = "Crisis flag raised by Pat Peer"
    url = ""
