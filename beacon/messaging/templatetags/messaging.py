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
