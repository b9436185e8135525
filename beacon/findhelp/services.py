"""Writes for Find Help: what the public sends, and its moderation.

Public sends have no actor and keep no address: the audit entry is written with actor None and
no IP address (the page promises "we don't track you"); the views' rate limit
(beacon/findhelp/ratelimits.py) keeps only a keyed hash of the address, for its window.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.audit.services import record_event
from beacon.directory.changes import services_changed
from beacon.directory.models import (
    Address,
    CapacityStatus,
    DirectoryOrganization,
    Location,
    Phone,
    Service,
    ServiceAtLocation,
)
from beacon.findhelp.index import search_index_build
from beacon.findhelp.models import (
    OrganizationSubmission,
    ProblemKind,
    ReportStatus,
    SearchDocument,
    SearchSynonym,
    ServiceProblemReport,
    SubmissionStatus,
)
from beacon.findhelp.permissions import can_change_synonym, can_moderate

NO_ADDRESS = ""  # record_event: keep no client address for public sends


def problem_report_create(*, service: Service, kind: str, note: str = "") -> ServiceProblemReport:
    """Someone (not signed in) tells us an entry is wrong. It waits for an admin to look."""
    report = ServiceProblemReport(service=service, kind=kind, note=note.strip())
    report.full_clean()
    with transaction.atomic():
        report.save()
        record_event(
            action="findhelp.problem_reported",
            actor=None,
            organization=service.curator,
            target=report,
            details={"service": str(service.pk), "kind": kind},
            ip_address=NO_ADDRESS,
        )
    return report


def submission_create(**fields: Any) -> OrganizationSubmission:
    """An organization's information, sent by the public. It never enters the directory by
    itself: an organization admin accepts or rejects it."""
    submission = OrganizationSubmission(**{k: (v or "").strip() for k, v in fields.items()})
    submission.full_clean()
    with transaction.atomic():
        submission.save()
        record_event(
            action="findhelp.submission_received",
            actor=None,
            target=submission,
            details={"name": submission.name[:200]},
            ip_address=NO_ADDRESS,
        )
    return submission


def _moderator(member) -> None:
    if not can_moderate(member):
        raise PermissionDenied


def problem_report_resolve(*, member, report: ServiceProblemReport) -> ServiceProblemReport:
    _moderator(member)
    with transaction.atomic():
        report.status = ReportStatus.RESOLVED
        report.resolved_by = member.user
        report.resolved_at = timezone.now()
        report.save(update_fields=["status", "resolved_by", "resolved_at", "updated_at"])
        record_event(
            action="findhelp.problem_resolved",
            actor=member.user,
            organization=member.organization,
            target=report,
            details={"service": str(report.service_id), "kind": report.kind},
        )
    return report


def submission_reject(*, member, submission: OrganizationSubmission) -> OrganizationSubmission:
    _moderator(member)
    with transaction.atomic():
        _review(submission, member, SubmissionStatus.REJECTED)
        record_event(
            action="findhelp.submission_rejected",
            actor=member.user,
            organization=member.organization,
            target=submission,
        )
    return submission


def submission_accept(*, member, submission: OrganizationSubmission) -> OrganizationSubmission:
    """Accepting makes an unverified directory entry curated by the admin's organization; its
    coordinates come from the ZIP code's centroid until someone checks the address."""
    _moderator(member)
    from beacon.findhelp.selectors import zip_place

    with transaction.atomic():
        place = zip_place(submission.postal_code) if submission.postal_code else None
        service = directory_entry_create(
            curator=member.organization,
            organization_name=submission.name,
            service_name=submission.name,
            description=submission.services_description,
            website=submission.website,
            email=submission.contact_email,
            phone=submission.phone,
            address_1=submission.address,
            city=submission.city,
            state=submission.state,
            postal_code=submission.postal_code,
            latitude=place["latitude"] if place else None,
            longitude=place["longitude"] if place else None,
        )
        submission.directory_service = service
        _review(submission, member, SubmissionStatus.ACCEPTED, extra=["directory_service"])
        record_event(
            action="findhelp.submission_accepted",
            actor=member.user,
            organization=member.organization,
            target=submission,
            details={"service": str(service.pk)},
        )
    return submission


def _review(submission, member, status, extra=()):
    if submission.status != SubmissionStatus.PENDING:
        raise PermissionDenied
    submission.status = status
    submission.reviewed_by = member.user
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at", *extra])


def directory_entry_create(
    *,
    curator=None,
    organization_name: str,
    service_name: str,
    description: str = "",
    website: str = "",
    email: str = "",
    phone: str = "",
    address_1: str = "",
    city: str = "",
    state: str = "",
    postal_code: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> Service:
    """A minimal directory entry (organization, service, location, address, phone), unverified.

    The caller records the audit event (the action that made the entry says why it exists).
    """
    import uuid

    def hid():
        return str(uuid.uuid4())

    org = DirectoryOrganization(
        hsds_id=hid(), name=organization_name, website=website, email=email, curator=curator
    )
    org.full_clean()
    org.save()
    service = Service(
        hsds_id=hid(),
        organization=org,
        name=service_name,
        description=description,
        email=email,
        url=website,
        status="active",
        curator=curator,
        capacity_status=CapacityStatus.UNKNOWN,
    )
    service.full_clean()
    service.save()
    location = Location.objects.create(
        hsds_id=hid(),
        organization=org,
        name=organization_name,
        location_type="physical",
        latitude=latitude,
        longitude=longitude,
    )
    ServiceAtLocation.objects.create(hsds_id=hid(), service=service, location=location)
    if address_1 or city or postal_code:
        Address.objects.create(
            hsds_id=hid(),
            location=location,
            address_1=address_1,
            city=city,
            state_province=state,
            postal_code=postal_code,
            country="US",
            address_type="physical",
        )
    if phone:
        Phone.objects.create(hsds_id=hid(), service=service, number=phone, type="voice")
    services_changed([service.pk])
    return service


def problem_reports_move(*, from_service: Service, to_service: Service) -> int:
    """Move every problem report about `from_service` to `to_service` (curators merged two
    directory entries; beacon.directory.curation.service_merge audits it). Returns how many."""
    return ServiceProblemReport.objects.filter(service=from_service).update(service=to_service)


__all__ = [
    "ProblemKind",
    "directory_entry_create",
    "problem_report_create",
    "problem_report_resolve",
    "problem_reports_move",
    "submission_accept",
    "submission_create",
    "submission_reject",
]


# Find Help in people's words: the synonym table ---------------------------------------------------


def _synonym_clean(synonym: SearchSynonym) -> None:
    """Phrase and meaning as searches compare them (folded, one space, no punctuation around
    words), within their bounds, and not the same words."""
    from beacon.findhelp.words import MAX_MEANING_WORDS, MAX_PHRASE_WORDS, key_words

    phrase, means = key_words(synonym.phrase), key_words(synonym.means)
    synonym.phrase, synonym.means = " ".join(phrase), " ".join(means)
    errors: dict[str, str] = {}
    if len(phrase) > MAX_PHRASE_WORDS:
        errors["phrase"] = _("Use %(n)d words or fewer.") % {"n": MAX_PHRASE_WORDS}
    if len(means) > MAX_MEANING_WORDS:
        errors["means"] = _("Use %(n)d words or fewer.") % {"n": MAX_MEANING_WORDS}
    if phrase and phrase == means:
        errors["means"] = _("This is the same as what people say: nothing would change.")
    if errors:
        raise ValidationError(errors)
    synonym.full_clean()


def _reindex_saying(phrases: list[str]) -> None:
    """Re-index the services whose text says any of `phrases` (found by each phrase's longest
    word, which every service saying the phrase has in its text), so the index's added meanings
    follow the table."""
    words = [max(p.split(), key=len) for p in phrases if p]
    if not words:
        return
    saying = Q()
    for word in words:
        saying |= Q(text__contains=word)
    search_index_build(SearchDocument.objects.filter(saying).values_list("service_id", flat=True))


def synonym_save(
    *, member, synonym: SearchSynonym | None = None, phrase: str, means: str
) -> SearchSynonym:
    """Add a synonym (`synonym` None) or change one the admin may change; the services that say
    the old or the new phrase are re-indexed in the same transaction."""
    _moderator(member)
    adding = synonym is None
    if adding:
        synonym = SearchSynonym(organization=member.organization)
    elif not can_change_synonym(member, synonym):
        raise PermissionDenied
    before = {"phrase": synonym.phrase, "means": synonym.means}
    synonym.phrase, synonym.means = phrase, means
    _synonym_clean(synonym)
    after = {"phrase": synonym.phrase, "means": synonym.means}
    with transaction.atomic():
        synonym.save()
        _reindex_saying([synonym.phrase] + ([] if adding else [before["phrase"]]))
        record_event(
            action="findhelp.synonym_added" if adding else "findhelp.synonym_changed",
            actor=member.user,
            organization=member.organization,
            target=synonym,
            details=after if adding else {"before": before, "after": after},
        )
    return synonym


def synonym_remove(*, member, synonym: SearchSynonym) -> None:
    """Remove a synonym (not a record of anyone: deleted, with an audit entry saying what it
    was); the services that said its phrase are re-indexed without its meaning."""
    _moderator(member)
    if not can_change_synonym(member, synonym):
        raise PermissionDenied
    with transaction.atomic():
        record_event(
            action="findhelp.synonym_removed",
            actor=member.user,
            organization=member.organization,
            target=synonym,
            details={"phrase": synonym.phrase, "means": synonym.means},
        )
        synonym.delete()
        _reindex_saying([synonym.phrase])


def synonyms_defaults_load() -> int:
    """Add Beacon's default synonyms that are missing (beacon/findhelp/synonyms.py; migration
    findhelp/0008 loads them first), re-indexing the services that say them; returns how many
    were added. For the demo, and for a database whose tables were emptied (tests flush them).
    An admin's change to a default phrase is kept: only phrases not in the table are added."""
    from beacon.findhelp.synonyms import DEFAULT_SYNONYMS

    have = set(SearchSynonym.objects.values_list("phrase", flat=True))
    missing = [SearchSynonym(phrase=p, means=m) for p, m in DEFAULT_SYNONYMS if p not in have]
    if missing:
        with transaction.atomic():
            SearchSynonym.objects.bulk_create(missing)
            _reindex_saying([s.phrase for s in missing])
    return len(missing)
