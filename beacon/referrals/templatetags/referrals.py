from django import template

from beacon.referrals.selectors import referral_list_for_participant

register = template.Library()


@register.simple_tag(takes_context=True)
def participant_referrals(context, participant):
    """The participant's referrals the current member may see (one query), for the partial
    included on the participant page."""
    request = context.get("request")
    member = getattr(request, "member", None)
    if member is None:
        return []
    return referral_list_for_participant(member=member, participant=participant)
