"""A passkey and an authenticator offered (never required) on the participant's home page."""

from django import template

from beacon.accounts.services import mfa_is_enrolled, passkey_is_added

register = template.Library()


@register.inclusion_tag("portal/invite/_authenticator_offer.html", takes_context=True)
def authenticator_offer(context):
    """A passkey or an authenticator app, offered to a participant who has neither: never
    required of them
    (the organization's MFA rule is for its staff: Membership.mfa_required)."""
    user = context["request"].user
    if not user.is_authenticated:
        return {"offer": False}
    return {"offer": not passkey_is_added(user) and not mfa_is_enrolled(user)}
