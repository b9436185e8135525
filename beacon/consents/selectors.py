"""Reads of consents, always through the caller's visibility (permissions.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from beacon.audit.describe import Named
from beacon.consents.models import Consent, ConsentRecipient, ExpiryKind
from beacon.consents.permissions import (
    can_revoke_consent,
    can_revoke_own_consent,
    consents_visible_to,
    own_consents,
)
from beacon.core.access import load_visible
from beacon.core.search import search_words
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


# The participant's own Beacon (/my/consents/, /api/v1/me/consents) ---------------------------


def own_consent_list(*, member: Membership) -> list[Consent]:
    """The participant's own consents, newest signature first, with their recipients (two
    queries), each with `in_plain_words`."""
    consents = list(_with_recipients(own_consents(member).select_related("organization")))
    for consent in consents:
        consent.in_plain_words = in_plain_words(consent)
    return consents


def own_consent_get(*, member: Membership, pk, for_write: bool = False) -> Consent:
    """One of the participant's own consents (another person's, or a missing id: 404); 403
    when asked for writing after discharge (read-only)."""
    consent = load_visible(
        member=member,
        visible=_with_recipients(
            own_consents(member).select_related("participant", "organization")
        ),
        pk=pk,
        for_write=for_write,
        can_write=can_revoke_own_consent,
    )
    consent.in_plain_words = in_plain_words(consent)
    return consent


def _names(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return _("%(some)s and %(last)s") % {"some": ", ".join(names[:-1]), "last": names[-1]}


def _until(consent: Consent) -> str:
    if consent.expiry_kind == ExpiryKind.DATE and consent.expires_on:
        return _("until %(day)s") % {
            "day": date_format(consent.expires_on, "DATE_FORMAT"),
        }
    if consent.expiry_kind == ExpiryKind.EVENT and consent.expiry_event:
        return _("until this happens: %(event)s") % {"event": consent.expiry_event}
    if consent.expiry_kind == ExpiryKind.END_OF_TREATMENT:
        return _("until you stop getting services from %(organization)s") % {
            "organization": consent.organization.name
        }
    return _("until you take it back")


def in_plain_words(consent: Consent) -> str:
    """The consent as one sentence a participant reads on their phone, from the elements 42 CFR
    2.31 requires: who may share (2.31(a)(2)) what (a)(4) with whom (a)(3), why (a)(5), until
    when (a)(7). Recipients taken back are left out of "with whom"."""
    recipients = [r.name for r in consent.recipients.all() if r.revoked_at is None]
    values = {
        "who": consent.discloser,
        "what": consent.information_description.rstrip(". "),
        "whom": _names(recipients),
        "why": consent.purpose.rstrip(". "),
        "until": _until(consent),
    }
    if not recipients:
        return (
            _("%(who)s may no longer share your information with anyone under this consent.")
            % values
        )
    return (
        _(
            "%(who)s may share this about you: %(what)s. With: %(whom)s. Why: %(why)s. "
            "This lasts %(until)s, unless you take it back sooner."
        )
        % values
    )


def consent_names_for_audit(member: Membership, ids: set[str]) -> dict:
    """Names and links of the consents among `ids` the member may see, in one query, for the
    audit trail's sentences (beacon/audit/describe.py). Others are left out, never named."""
    rows = consents_visible_to(member).filter(pk__in=ids).only("id", "kind")
    return {
        str(c.pk): Named(
            _("a consent (%(kind)s)") % {"kind": c.get_kind_display().lower()},
            reverse("consents:detail", args=[c.pk]),
        )
        for c in rows
    }


# The organization-wide list (issue 15): what needs attention first.
EXPIRING_DAYS = 30
EXPIRING, ACTIVE, EXPIRED, REVOKED = "expiring", "active", "expired", "revoked"
LIST_STATUSES = (EXPIRING, ACTIVE, EXPIRED, REVOKED)
# A page of the list.
PAGE_SIZE = 50


@dataclass(frozen=True)
class ConsentListFilters:
    status: str = ""  # one of LIST_STATUSES, or any
    participant: str = ""  # words of the participant's name, or their record number
    recipient: str = ""  # words of a recipient's name


def _status_rank(today: date):
    """0 expiring within EXPIRING_DAYS, 1 active, 2 expired, 3 revoked: Consent.status_on()
    written for the database, so the list sorts and filters in SQL."""
    ends_by_date = Q(expiry_kind=ExpiryKind.DATE, expires_on__isnull=False)
    return Case(
        When(revoked_at__isnull=False, then=Value(3)),
        When(ended_at__isnull=False, then=Value(2)),
        When(ends_by_date & Q(expires_on__lt=today), then=Value(2)),
        When(
            ends_by_date & Q(expires_on__lte=today + timedelta(days=EXPIRING_DAYS)),
            then=Value(0),
        ),
        default=Value(1),
        output_field=IntegerField(),
    )


def consent_list_for_organization(
    *, member: Membership, filters: ConsentListFilters, today: date | None = None
) -> QuerySet[Consent]:
    """Every consent the member may see in their organization (supervisors and admins: all;
    peers: their caseload's), those expiring within 30 days first (soonest first), then active,
    then expired, then revoked. Each carries `list_rank` (0-3, the order above); recipients and
    participant come in two more queries for a page, whatever its length."""
    today = today or timezone.localdate()
    qs = consents_visible_to(member).annotate(list_rank=_status_rank(today))
    rank = {EXPIRING: 0, ACTIVE: 1, EXPIRED: 2, REVOKED: 3}
    if filters.status in rank:
        # "Active" includes those expiring soon: they are active until their date.
        ranks = [0, 1] if filters.status == ACTIVE else [rank[filters.status]]
        qs = qs.filter(list_rank__in=ranks)
    text = filters.participant.strip()
    if text.isdigit():
        qs = qs.filter(participant__record_number=int(text))
    else:
        for word in search_words(text):
            qs = qs.filter(
                Q(participant__given_name__icontains=word)
                | Q(participant__preferred_name__icontains=word)
                | Q(participant__family_name__icontains=word)
            )
    for word in search_words(filters.recipient):
        qs = qs.filter(recipients__name__icontains=word)
    if filters.recipient:
        qs = qs.distinct()
    return _with_recipients(qs.select_related("participant")).order_by(
        "list_rank", "expires_on", "-signed_on", "-created_at"
    )


# Choosing a consent's recipient from the resource directory (issue 15) ------------------------

DIRECTORY_CHOICES_SHOWN = 10


@dataclass(frozen=True)
class DirectoryChoice:
    """One directory entry a consent may name: an organization (all its services) or one
    service, told apart from same-named ones by its organization and town. `value` is what the
    consent form's radio button sends ("organization:<id>" or "service:<id>")."""

    kind: str  # "organization" or "service"
    pk: object
    name: str
    organization: str
    town: str

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.pk}"


@dataclass(frozen=True)
class DirectoryChoices:
    choices: list[DirectoryChoice]
    # More entries matched than are shown: the person adds a word (a town, say).
    more: bool


def directory_recipient_choices(
    *, query: str, limit: int = DIRECTORY_CHOICES_SHOWN
) -> DirectoryChoices:
    """Directory organizations and services whose name, organization or town has every word
    of `query`: organizations first, then services, each by name (same-named services by
    organization). The directory is shared across Beacon: anyone on staff may search it. A
    service's town is Find Help's (the address shown for it); an organization's, that of its
    first location with one. Constant queries."""
    from beacon.directory.models import Address, DirectoryOrganization, Service
    from beacon.findhelp.index import GONE_STATUSES
    from beacon.findhelp.selectors import service_results

    words = search_words(query)
    if not words:
        return DirectoryChoices([], False)
    org_condition = Q()
    service_condition = Q()
    for word in words:
        org_condition &= Q(name__icontains=word) | Q(locations__addresses__city__icontains=word)
        service_condition &= (
            Q(name__icontains=word)
            | Q(organization__name__icontains=word)
            | Q(service_at_locations__location__addresses__city__icontains=word)
        )
    org_ids = list(
        DirectoryOrganization.objects.filter(org_condition)
        .order_by("name", "pk")
        .values_list("pk", flat=True)
        .distinct()[: limit + 1]
    )
    service_ids = list(
        Service.objects.filter(service_condition)
        .exclude(status__in=GONE_STATUSES)
        .order_by("name", "organization__name", "pk")
        .values_list("pk", flat=True)
        .distinct()[: limit + 1]
    )
    more = len(org_ids) + len(service_ids) > limit
    org_ids = org_ids[:limit]
    service_ids = service_ids[: limit - len(org_ids)]
    organizations = {o.pk: o for o in DirectoryOrganization.objects.filter(pk__in=org_ids)}
    towns: dict = {}
    for org_id, city in (
        Address.objects.filter(location__organization_id__in=org_ids)
        .exclude(city="")
        .order_by("location__name", "pk")
        .values_list("location__organization_id", "city")
    ):
        towns.setdefault(org_id, city)
    services = Service.objects.select_related("organization").in_bulk(service_ids)
    choices = [
        DirectoryChoice(
            "organization", pk, organizations[pk].name, organizations[pk].name, towns.get(pk, "")
        )
        for pk in org_ids
    ]
    for result in service_results(services=[services[pk] for pk in service_ids]):
        service = result.service
        choices.append(
            DirectoryChoice(
                "service",
                service.pk,
                service.name,
                service.organization.name if service.organization else "",
                result.address.city if result.address else "",
            )
        )
    return DirectoryChoices(choices, more)


def directory_choice_get(value: str) -> DirectoryChoice | None:
    """The directory entry a consent form's radio button names ("organization:<id>" or
    "service:<id>"), or None when it names nothing that exists."""
    from django.core.exceptions import ValidationError

    from beacon.directory.models import DirectoryOrganization, Service

    kind, _sep, pk = (value or "").partition(":")
    model = {"organization": DirectoryOrganization, "service": Service}.get(kind)
    if model is None or not pk:
        return None
    try:
        entry = model.objects.select_related(*(["organization"] if model is Service else [])).get(
            pk=pk
        )
    except (model.DoesNotExist, ValidationError, ValueError):
        return None
    if model is DirectoryOrganization:
        return DirectoryChoice(kind, entry.pk, entry.name, entry.name, "")
    organization = entry.organization.name if entry.organization else ""
    return DirectoryChoice(kind, entry.pk, entry.name, organization, "")
