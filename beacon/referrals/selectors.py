"""Reads of referrals and disclosures, always through the caller's visibility."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from beacon.core.access import load_child, load_visible
from beacon.organizations.models import Membership
from beacon.participants.models import Participant
from beacon.referrals.models import (
    OUTCOME_STATUSES,
    Disclosure,
    Referral,
    ReferralEvent,
    SharedResource,
    describe_shared,
)
from beacon.referrals.permissions import (
    can_update_referral,
    disclosures_visible_to,
    referrals_received_by,
    referrals_sent_visible_to,
    referrals_visible_to,
)

# The accounting of disclosures covers the past three years (42 CFR 2.25).
ACCOUNTING_YEARS = 3
MAX_PAGE = 200


def _listed(qs: QuerySet[Referral]) -> QuerySet[Referral]:
    return qs.select_related(
        "organization", "receiving_organization", "made_by", "participant"
    ).order_by("-created_at", "pk")


def referral_list(
    *,
    member: Membership,
    box: str = "sent",
    participant=None,
    status: str | None = None,
    limit: int = MAX_PAGE,
) -> list[Referral]:
    """Referrals sent by the member's organization (`box="sent"`, those of participants they
    can see) or addressed to it (`box="inbox"`). One query."""
    qs = referrals_received_by(member) if box == "inbox" else referrals_sent_visible_to(member)
    if participant is not None:
        qs = qs.filter(participant=participant)
    if status:
        qs = qs.filter(status=status)
    return list(_listed(qs)[:limit])


INBOX_PAGE = 50


@dataclass(frozen=True)
class InboxPage:
    referrals: list[Referral]
    next_before: str | None  # the cursor of the next (older) page: "<created_at>,<id>"


def referral_inbox_page(
    *, member: Membership, status: str | None = None, before: str | None = None
) -> InboxPage:
    """A page of the referrals addressed to the member's organization, newest first: one query
    of what the inbox shows (the sender's name and what was shared, never the record), paged by
    position (`before`, the cursor of the last one seen) so it costs the same however many
    came before. A cursor that cannot be read starts from the newest."""
    qs = referrals_received_by(member)
    if status:
        qs = qs.filter(status=status)
    after = _inbox_cursor(before)
    if after is not None:
        at, pk = after
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    referrals = list(
        qs.select_related("organization")
        .only(
            "id",
            "created_at",
            "status",
            "urgency",
            "recipient_name",
            "shared_snapshot",
            "organization__name",
        )
        .order_by("-created_at", "-pk")[: INBOX_PAGE + 1]
    )
    more = len(referrals) > INBOX_PAGE
    referrals = referrals[:INBOX_PAGE]
    last = referrals[-1] if more else None
    return InboxPage(referrals, f"{last.created_at.isoformat()},{last.pk}" if last else None)


def _inbox_cursor(raw: str | None) -> tuple[datetime.datetime, uuid.UUID] | None:
    at, _, pk = (raw or "").partition(",")
    try:
        at, pk = datetime.datetime.fromisoformat(at), uuid.UUID(pk)
    except ValueError:
        return None
    return (at, pk) if timezone.is_aware(at) else None


def referral_list_for_participant(
    *, member: Membership, participant: Participant
) -> list[Referral]:
    """The participant's referrals for the participant page, newest first: one query, of the
    referrals' own columns (the participant and the sending organization are known)."""
    referrals = list(
        referrals_sent_visible_to(member)
        .filter(participant=participant)
        .select_related("receiving_organization", "made_by")
        .order_by("-created_at", "pk")[:MAX_PAGE]
    )
    for referral in referrals:
        referral.participant = participant
        referral.organization = member.organization
    return referrals


def referral_get_for_member(*, member: Membership, pk, for_write: bool = False) -> Referral:
    """One referral the member sees from either side (404 otherwise); 403 when asked for
    writing by someone with nothing they may record on it now."""
    return load_visible(
        member=member,
        visible=referrals_visible_to(member).select_related(
            "organization",
            "receiving_organization",
            "made_by",
            "participant",
            "consent",
            "to_service",
        ),
        pk=pk,
        for_write=for_write,
        can_write=can_update_referral,
    )


def referral_history(*, referral: Referral) -> list[ReferralEvent]:
    return list(referral.events.select_related("by", "by_organization").order_by("at", "pk"))


def referral_disclosures(*, referral: Referral) -> list[Disclosure]:
    return list(referral.disclosures.order_by("-disclosed_at"))


def accounting_of_disclosures(
    *, member: Membership, participant: Participant, today: datetime.date | None = None
) -> list[Disclosure]:
    """The participant's disclosures in the past three years, newest first: one query."""
    today = today or timezone.localdate()
    try:
        since = today.replace(year=today.year - ACCOUNTING_YEARS)
    except ValueError:  # 29 February
        since = today.replace(year=today.year - ACCOUNTING_YEARS, day=28)
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    return list(
        disclosures_visible_to(member)
        .filter(participant=participant, disclosed_at__gte=start)
        .select_related("made_by", "consent", "referral")
        .order_by("-disclosed_at", "pk")
    )


def referrals_awaiting_outcome(
    *, participants: QuerySet[Participant], today: datetime.date
) -> QuerySet[Referral]:
    """Referrals of these participants still without an outcome whose follow-up date is today
    or past (My day), the longest overdue first."""
    return (
        Referral.objects.filter(
            participant__in=participants.values("pk"),
            follow_up_due_on__lte=today,
        )
        .exclude(status__in=OUTCOME_STATUSES)
        .select_related("participant")
        .order_by("follow_up_due_on", "created_at", "pk")
    )


def events_prefetch() -> Prefetch:
    return Prefetch("events", queryset=ReferralEvent.objects.select_related("by"))


def service_search(*, query: str, limit: int = 20):
    """Directory services matching words in their name or their organization's name, for the
    referral form. The directory is shared across Beacon: anyone on staff may search it."""
    from django.db.models import Q

    from beacon.core.search import search_words
    from beacon.directory.models import Service

    words = search_words(query)
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= Q(name__icontains=word) | Q(organization__name__icontains=word)
    return list(
        Service.objects.filter(condition)
        .select_related("organization", "organization__beacon_organization")
        .order_by("name", "pk")[:limit]
    )


def service_get(*, pk):
    """One directory service by id, or None (the directory is public to staff)."""
    from django.core.exceptions import ValidationError

    from beacon.directory.models import Service

    try:
        return (
            Service.objects.select_related("organization", "organization__beacon_organization")
            .filter(pk=pk)
            .first()
        )
    except (ValidationError, ValueError):
        return None


def search_origin(*, member: Membership, zip_code: str = "") -> dict | None:
    """Where distances to directory services are measured from, for the referral form: the ZIP
    code typed, else the member's organization's own (the address of its entry in the
    directory), as Find Help's zip_place() (with `source`: "typed" or "organization"); None
    when neither is known. One query at most."""
    from beacon.directory.models import Address
    from beacon.findhelp.selectors import zip_place

    zip_code = (zip_code or "").strip()[:5]
    source = "typed"
    if not zip_code:
        source = "organization"
        zip_code = (
            Address.objects.filter(
                location__organization__beacon_organization_id=member.organization_id
            )
            .exclude(postal_code="")
            .order_by("created_at", "pk")
            .values_list("postal_code", flat=True)
            .first()
            or ""
        )[:5]
    place = zip_place(zip_code) if zip_code.isdigit() and len(zip_code) == 5 else None
    return {**place, "source": source} if place else None


def service_results(services: list, *, origin: dict | None = None) -> list:
    """Find Help's view of each service (organization, town, distance from `origin`, phones,
    address, hours), so five services of the same name can be told apart. With an origin, the
    nearest first (those without a known place last, in their order)."""
    from beacon.findhelp.selectors import service_results as findhelp_results

    results = findhelp_results(services=[s for s in services if s is not None], origin=origin)
    if origin is not None:
        results.sort(key=lambda r: (r.distance is None, r.distance or 0))
    return results


def consent_prefill(*, participant: Participant, draft: dict) -> dict:
    """What a refused referral already says about the consent it needs: the recipient (the
    directory entry to name, else the name), the purpose and the information shared, for the
    "record the consent now" form. The peer goes through each part with the participant; the
    signature is theirs to type."""
    from beacon.consents.models import ConsentKind

    data = draft["data"]
    items = data.get("shared_items") or []
    row = {
        "name": draft["recipient"],
        "description": "",
        "directory_organization": draft.get("directory_organization") or None,
        "directory_service": draft.get("directory_service") or None,
    }
    reason = " ".join((data.get("reason") or "").split())
    return {
        "consent": {
            "kind": ConsentKind.SPECIFIC_RECIPIENT,
            "purpose": _purpose(reason),
            "information_description": describe_shared(items, data.get("shared_other") or ""),
        },
        "recipients": [row],
    }


def _purpose(reason: str) -> str:
    from django.utils.translation import gettext as _

    if not reason:
        return _("To make and follow up a referral.")
    return _("To make and follow up a referral: %(reason)s") % {"reason": reason[:300]}


def provider_email(service) -> str:
    """The address the directory has for a service's provider: the service's own, else its
    directory organization's, else the first of its contacts' ("" when none)."""
    from beacon.directory.models import Contact

    for address in (
        getattr(service, "email", ""),
        getattr(service.organization, "email", "") if service.organization_id else "",
    ):
        if (address or "").strip():
            return address.strip()
    return (
        Contact.objects.filter(service=service)
        .exclude(email="")
        .order_by("created_at", "pk")
        .values_list("email", flat=True)
        .first()
        or ""
    ).strip()


def service_documents(service) -> list[str]:
    """What the directory says to bring to the service (HSDS required_documents)."""
    from beacon.directory.models import RequiredDocument

    return [
        d.strip()
        for d in RequiredDocument.objects.filter(service=service)
        .order_by("created_at", "pk")
        .values_list("document", flat=True)
        if d.strip()
    ]


# Services shared with a participant (their own Beacon's Resources) ------------------------------


@dataclass(frozen=True)
class SharedService:
    shared: SharedResource
    result: object  # Find Help's view of the service (name, phones, address, hours)
    directions_url: str  # a map search of the address, or "" when the directory has none


MAP_SEARCH = "https://www.openstreetmap.org/search?query="


def directions_url(address) -> str:
    """A plain link to a map search of the address (no map is loaded in Beacon's pages)."""
    if address is None:
        return ""
    from urllib.parse import quote_plus

    parts = [
        address.address_1,
        address.address_2,
        address.city,
        address.state_province,
        address.postal_code,
    ]
    text = ", ".join(p.strip() for p in parts if p and p.strip())
    return MAP_SEARCH + quote_plus(text) if text else ""


def shared_services(*, participant: Participant) -> list[SharedService]:
    """The directory services shared with the participant, newest first, each as Find Help
    shows it: a fixed number of queries however many there are."""
    rows = list(
        SharedResource.objects.filter(participant=participant)
        .select_related("service", "service__organization", "shared_by")
        .order_by("-shared_at", "-pk")
    )
    results = service_results([r.service for r in rows])
    return [
        SharedService(shared=row, result=result, directions_url=directions_url(result.address))
        for row, result in zip(rows, results, strict=True)
    ]


def shared_resource_get(*, member: Membership, participant: Participant, pk) -> SharedResource:
    """A service shared with a participant the caller loaded through the access check (404
    otherwise, like one that exists nowhere)."""
    return load_child(
        member=member,
        parent=participant,
        children=participant.shared_resources.select_related("service"),
        pk=pk,
    )
