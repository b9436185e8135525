"""Reads of consents, always through the caller's visibility (permissions.py)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from beacon.consents.models import Consent, ConsentRecipient
from beacon.consents.permissions import can_revoke_consent, consents_visible_to
from beacon.core.access import load_visible
from beacon.organizations.models import Membership
from beacon.participants.models import Participant


def _with_recipients(qs: QuerySet[Consent]) -> QuerySet[Consent]:
    return qs.select_related("recorded_by").prefetch_related(
        Prefetch(
            "recipients",
            queryset=ConsentRecipient.objects.select_related("revoked_by").order_by(
                "name", "created_at"
            ),
        )
    )


def consent_list_for_participant(*, member: Membership, participant: Participant) -> list[Consent]:
    """The participant's consents, newest signature first, with their recipients: two queries
    however many consents there are."""
    return list(_with_recipients(consents_visible_to(member).filter(participant=participant)))


def consent_get_for_member(
    *,
    member: Membership,
    pk,
    for_write: bool = False,
    participant: Participant | None = None,
) -> Consent:
    """One consent the member may see (404 otherwise, exactly as for a missing id); 403 when
    asked for writing by someone who may only read it. With `participant`, only a consent of
    that participant is found (the API's nested paths)."""
    visible = consents_visible_to(member)
    if participant is not None:
        visible = visible.filter(participant=participant)
    return load_visible(
        member=member,
        visible=_with_recipients(visible.select_related("participant", "organization")),
        pk=pk,
        for_write=for_write,
        can_write=can_revoke_consent,
    )
