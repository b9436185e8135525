"""Reads about credentials, hours, trainings and wellbeing, always through the caller's
visibility (beacon/workforce/permissions.py), and the progress computation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.accounts.models import User
from beacon.audit.services import record_event
from beacon.core.access import load_visible
from beacon.organizations.models import Membership
from beacon.workforce import permissions
from beacon.workforce.hours import COMMUNITY_WORK_SOURCE, Category, HoursItem, hours_items
from beacon.workforce.models import (
    CredentialDefinition,
    CredentialStatus,
    EducationDomain,
    PeerCredential,
    Training,
    WellbeingCheckIn,
)
from beacon.workforce.services import add_months

# Loading ---------------------------------------------------------------------------------------


def person_get_for_member(*, member: Membership, user_id) -> Membership:
    """The staff membership (in the member's organization) of the person whose hours are asked
    for: oneself, or anyone of the organization's staff for supervisors and admins. 404 for
    anyone else, exactly as for someone who does not exist (and the refusal is audited)."""
    try:
        return (
            permissions.people_visible_to(member)
            .select_related("user", "organization")
            .get(user_id=user_id)
        )
    except (Membership.DoesNotExist, ValidationError, ValueError, TypeError):
        pass
    try:
        exists = User.objects.filter(pk=user_id).exists()
    except (ValidationError, ValueError, TypeError):
        exists = False
    if exists:
        record_event(
            action="access.refused",
            actor=getattr(member, "user", None),
            organization=getattr(member, "organization", None),
            object_type="accounts.user",
            object_id=str(user_id),
            details={"answered": 404, "seen": "workforce"},
        )
    raise Http404("No such person.")


def people_for_member(*, member: Membership) -> list[Membership]:
    return list(
        permissions.people_visible_to(member)
        .select_related("user")
        .order_by("user__name", "user__email")
    )


def definition_get_for_member(
    *, member: Membership, pk, for_write: bool = False
) -> CredentialDefinition:
    return load_visible(
        member=member,
        visible=permissions.definitions_visible_to(member),
        pk=pk,
        for_write=for_write,
        can_write=permissions.can_edit_definition,
    )


def definitions_for_member(
    *, member: Membership, active_only: bool = False
) -> list[CredentialDefinition]:
    qs = permissions.definitions_visible_to(member).order_by("organization_id", "name")
    if active_only:
        qs = qs.filter(is_active=True)
    # The organization's own first, then the standard ones.
    return sorted(qs, key=lambda d: (d.organization_id is None, d.name.lower()))


def credential_get_for_member(*, member: Membership, pk, for_write: bool = False) -> PeerCredential:
    return load_visible(
        member=member,
        visible=permissions.credentials_visible_to(member).select_related("definition", "user"),
        pk=pk,
        for_write=for_write,
        can_write=permissions.can_edit_credential,
    )


def training_get_for_member(*, member: Membership, pk, for_write: bool = False) -> Training:
    return load_visible(
        member=member,
        visible=permissions.trainings_visible_to(member).select_related("user"),
        pk=pk,
        for_write=for_write,
        can_write=permissions.can_edit_training,
    )


def trainings_for(*, member: Membership, user_id) -> QuerySet[Training]:
    return permissions.trainings_visible_to(member).filter(user_id=user_id)


def checkin_get_for_member(*, member: Membership, pk, for_write: bool = False) -> WellbeingCheckIn:
    return load_visible(
        member=member,
        visible=permissions.checkins_visible_to(member).select_related("user"),
        pk=pk,
        for_write=for_write,
        can_write=permissions.can_edit_checkin,
    )


def own_checkins(*, member: Membership, limit: int = 50) -> list[WellbeingCheckIn]:
    return list(permissions.checkins_visible_to(member).filter(user_id=member.user_id)[:limit])


def shared_checkins(*, member: Membership, limit: int = 100) -> list[WellbeingCheckIn]:
    """The check-ins others shared with the supervisor (never their unshared ones)."""
    return list(
        permissions.checkins_visible_to(member)
        .filter(shared=True)
        .exclude(user_id=member.user_id)
        .select_related("user")[:limit]
    )


# Progress ----------------------------------------------------------------------------------------


@dataclass
class Requirement:
    key: str
    label: str
    required_minutes: int
    done_minutes: int

    @property
    def met(self) -> bool:
        return self.done_minutes >= self.required_minutes

    @property
    def remaining_minutes(self) -> int:
        return max(0, self.required_minutes - self.done_minutes)

    @property
    def percent(self) -> int:
        if self.required_minutes <= 0:
            return 100
        return min(100, round(100 * self.done_minutes / self.required_minutes))


@dataclass
class CredentialProgress:
    credential: PeerCredential
    requirements: list[Requirement]
    counting_from: date | None
    experience_until: date | None
    renewal: list[Requirement] = field(default_factory=list)
    ce_from: date | None = None
    days_left: int | None = None
    missing: list[str] = field(default_factory=list)

    @property
    def definition(self) -> CredentialDefinition:
        return self.credential.definition

    @property
    def exam_met(self) -> bool:
        return not self.definition.exam_required or self.credential.exam_passed_on is not None

    @property
    def requirements_met(self) -> bool:
        return all(r.met for r in self.requirements) and self.exam_met

    @property
    def renewal_met(self) -> bool:
        return all(r.met for r in self.renewal)

    @property
    def is_certified(self) -> bool:
        return self.credential.status == CredentialStatus.CERTIFIED


def hours_text(minutes: int) -> str:
    """Minutes as hours for people: 90 -> "1.5", 600 -> "10", 20 -> "0.33"."""
    hours = round(minutes / 60, 2)
    return f"{hours:.2f}".rstrip("0").rstrip(".")


def _sum(items: Iterable[HoursItem]) -> tuple[int, dict[str, int]]:
    total, by_domain = 0, defaultdict(int)
    for item in items:
        total += item.minutes
        by_domain[item.domain or EducationDomain.GENERAL] += item.minutes
    return total, by_domain


def _domain_requirements(
    definition: CredentialDefinition, field_name: str, by_domain: dict[str, int], prefix: str
) -> list[Requirement]:
    return [
        Requirement(f"{prefix}:{domain}", label, hours * 60, by_domain.get(domain, 0))
        for domain, label, hours in definition.domain_rows(field_name)
    ]


def credential_progress(
    credential: PeerCredential, items: list[HoursItem], *, today: date | None = None
) -> CredentialProgress:
    """What a credential asks for against the person's hours (`items`: all of theirs, from
    hours_items). Hours count from the credential's "counting from" date when it has one;
    experience stops at the end of the definition's window (Texas: six months). Continuing
    education is the training after the (last) certification date."""
    today = today or timezone.localdate()
    definition = credential.definition
    start = credential.started_on
    until = (
        add_months(start, definition.experience_window_months)
        if start and definition.experience_window_months
        else None
    )

    def counted(item: HoursItem, category: str) -> bool:
        if item.category != category or (start and item.on < start):
            return False
        if item.source == COMMUNITY_WORK_SOURCE and not definition.community_work_counts:
            return False
        return not (category == Category.EXPERIENCE and until and item.on > until)

    education_total, education_by_domain = _sum(i for i in items if counted(i, Category.EDUCATION))
    experience, _unused = _sum(i for i in items if counted(i, Category.EXPERIENCE))
    supervision, _unused = _sum(i for i in items if counted(i, Category.SUPERVISION))

    requirements: list[Requirement] = []
    if definition.education_hours:
        requirements.append(
            Requirement(
                "education",
                _("Education, all domains"),
                definition.education_hours * 60,
                education_total,
            )
        )
    requirements += _domain_requirements(
        definition, "education_by_domain", education_by_domain, "education"
    )
    if definition.experience_hours:
        requirements.append(
            Requirement("experience", _("Experience"), definition.experience_hours * 60, experience)
        )
    if definition.supervision_hours:
        requirements.append(
            Requirement(
                "supervision", _("Supervision"), definition.supervision_hours * 60, supervision
            )
        )
    progress = CredentialProgress(
        credential=credential,
        requirements=requirements,
        counting_from=start,
        experience_until=until,
    )

    if progress.is_certified and credential.certified_on:
        ce_items = [
            i
            for i in items
            if i.category == Category.EDUCATION
            and i.on > credential.certified_on
            and (credential.expires_on is None or i.on <= credential.expires_on)
        ]
        ce_total, ce_by_domain = _sum(ce_items)
        if definition.ce_hours:
            progress.renewal.append(
                Requirement(
                    "ce", _("Continuing education, all domains"), definition.ce_hours * 60, ce_total
                )
            )
        progress.renewal += _domain_requirements(definition, "ce_by_domain", ce_by_domain, "ce")
        progress.ce_from = credential.certified_on
        if credential.expires_on:
            progress.days_left = (credential.expires_on - today).days
        progress.missing = [_missing(r, renewal=True) for r in progress.renewal if not r.met]
    else:
        progress.missing = [_missing(r) for r in requirements if not r.met]
        if not progress.exam_met:
            progress.missing.append(_("Pass the exam."))
    return progress


def _missing(requirement: Requirement, *, renewal: bool = False) -> str:
    hours = hours_text(requirement.remaining_minutes)
    if renewal:
        return _("%(hours)s more hours of %(what)s before renewal.") % {
            "hours": hours,
            "what": requirement.label.lower(),
        }
    return _("%(hours)s more hours: %(what)s.") % {"hours": hours, "what": requirement.label}


@dataclass
class PersonProgress:
    person: Membership
    credentials: list[CredentialProgress]
    totals: dict[str, int]


def progress_for(*, member: Membership, person: Membership) -> PersonProgress:
    """Every credential of `person` (already loaded through person_get_for_member) with its
    progress: one query for the credentials and one per hours source, however many hours."""
    credentials = list(
        permissions.credentials_visible_to(member)
        .filter(user_id=person.user_id)
        .select_related("definition")
    )
    items = hours_items(user=person.user)
    today = timezone.localdate()
    totals = {Category.EDUCATION: 0, Category.EXPERIENCE: 0, Category.SUPERVISION: 0}
    for item in items:
        totals[item.category] = totals.get(item.category, 0) + item.minutes
    return PersonProgress(
        person=person,
        credentials=[credential_progress(c, items, today=today) for c in credentials],
        totals=totals,
    )


# The hours log ---------------------------------------------------------------------------------

CATEGORY_LABELS = {
    Category.EXPERIENCE: _("Experience"),
    Category.SUPERVISION: _("Supervision"),
    Category.EDUCATION: _("Education"),
}


@dataclass
class HoursLog:
    person: Membership
    start: date | None
    end: date | None
    items: list[HoursItem]
    totals: dict[str, int]


def hours_log(*, person: Membership, start: date | None, end: date | None) -> HoursLog:
    items = hours_items(user=person.user, start=start, end=end)
    totals: dict[str, int] = {}
    for item in items:
        totals[item.category] = totals.get(item.category, 0) + item.minutes
    return HoursLog(person=person, start=start, end=end, items=items, totals=totals)


def category_label(category: str) -> str:
    return str(CATEGORY_LABELS.get(category, category))


def domain_label(domain: str) -> str:
    if not domain:
        return ""
    return str(EducationDomain(domain).label) if domain in EducationDomain.values else domain


@dataclass(frozen=True)
class LogRow:
    item: HoursItem
    category: str
    domain: str
    hours: str


def hours_log_rows(log: HoursLog) -> list[LogRow]:
    """The log's items with their words, each label translated once rather than once a row."""
    categories = {c: category_label(c) for c in {i.category for i in log.items}}
    domains = {d: domain_label(d) for d in {i.domain for i in log.items}}
    return [
        LogRow(i, categories[i.category], domains[i.domain], hours_text(i.minutes))
        for i in log.items
    ]
