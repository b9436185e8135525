"""The authenticator offered (never required) on the participant's home page."""

from django import template

from beacon.accounts.services import mfa_is_enrolled

register = template.Library()


@register.inclusion_tag("portal/invite/_authenticator_offer.html", takes_context=True)
def authenticator_offer(context):
    """An authenticator app, offered to a participant who has none: never required of them
    (the organization's MFA rule is for its staff: Membership.mfa_required)."""
    user = context["request"].user
    return {"offer": user.is_authenticated and not mfa_is_enrolled(user)}
