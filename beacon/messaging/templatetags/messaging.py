"""The link to a participant's messages on their page (beacon.participants shows it without
importing this app, which sits above it in the layers)."""

from django import template

from beacon.messaging.models import Message
from beacon.messaging.permissions import can_answer_messages

register = template.Library()


@register.inclusion_tag("messaging/partials/_link.html")
def messages_link(member, participant):
    """For those who answer the participant's messages: the link, with how many are unread."""
    if not can_answer_messages(member, participant):
        return {"show": False}
    unread = Message.objects.filter(
        participant=participant, from_participant=True, read_at__isnull=True
    ).count()
    return {"show": True, "participant": participant, "unread": unread}


@register.inclusion_tag("messaging/partials/_home.html")
def my_messages_card(record):
    """The participant's home (/my/): their messages, with how many answers are new."""
    organization = record.organization
    if not organization.messages_enabled:
        return {"show": False}
    unread = Message.objects.filter(
        participant=record, from_participant=False, read_at__isnull=True
    ).count()
    return {"show": True, "unread": unread}
