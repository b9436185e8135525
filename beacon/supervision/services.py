"""Writes about supervision: sessions, comments on notes, co-signs. Each is audited.

The audit trail records who, when, how long and which peers, never the private notes' or the
comments' words (they may speak about participants).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.audit.services import record_event
from beacon.core.concurrency import StaleVersion, save_versioned
from beacon.encounters.models import Encounter
from beacon.notifications.services import notify_note_review
from beacon.organizations.models import Membership, Role
from beacon.supervision.models import (
    MAX_SESSION_MINUTES,
    NoteCosign,
    ReviewComment,
    SessionKind,
    SessionModality,
    SupervisionSession,
    SupervisionTopic,
)
from beacon.supervision.permissions import (
    SUPERVISES,
    can_change_session,
    can_comment,
    can_cosign,
    can_record_session,
)

EDITABLE_FIELDS = (
    "supervisor",
    "held_on",
    "duration_minutes",
    "kind",
    "modality",
    "topics",
    "topics_other",
    "private_notes",
    "next_steps",
)
MAX_COMMENT = 5000


def _pk(value) -> str:
    return str(getattr(value, "pk", value))


def _clean_session(
    *, member: Membership, values: dict[str, Any], peers: list | None, session=None
) -> tuple[dict[str, Any], list | None]:
    """Check and normalize a session's values (those present) and its peers; every problem at
    once, each under its field."""
    errors: dict[str, str] = {}
    cleaned = dict(values)
    org_id = member.organization_id
    if "supervisor" in values:
        supervisor = values["supervisor"] or member.user
        found = (
            Membership.objects.filter(
                organization_id=org_id,
                user_id=_pk(supervisor),
                role__in=SUPERVISES,
                is_active=True,
            )
            .select_related("user")
            .first()
        )
        if found is None:
            errors["supervisor"] = _("Choose a supervisor or admin of your organization.")
        else:
            cleaned["supervisor"] = found.user
    value_errors, value_cleaned = _value_problems(values)
    errors.update(value_errors)
    cleaned.update(value_cleaned)
    peer_users = None
    if peers is not None:
        wanted = list(dict.fromkeys(_pk(p) for p in peers))
        allowed = Membership.objects.filter(
            organization_id=org_id, role=Role.PEER, user_id__in=wanted
        ).select_related("user")
        already = (
            {str(pk) for pk in session.peers.values_list("pk", flat=True)} if session else set()
        )
        found = {str(m.user_id): m for m in allowed if m.is_active or str(m.user_id) in already}
        missing = [pk for pk in wanted if pk not in found]
        if not wanted:
            errors["peers"] = _("Choose at least one peer who attended.")
        elif missing:
            errors["peers"] = _("Choose peers of your organization from the list.")
        else:
            peer_users = [found[pk].user for pk in wanted]
    kind = cleaned.get("kind", session.kind if session else None)
    count = len(peer_users) if peer_users is not None else (session.peers.count() if session else 0)
    if "peers" not in errors and "kind" not in errors:
        errors.update(_kind_problem(kind, count))
    if errors:
        raise ValidationError(errors)
    return cleaned, peer_users


def _kind_problem(kind, peer_count: int) -> dict[str, str]:
    if kind == SessionKind.INDIVIDUAL and peer_count > 1:
        return {"kind": _("An individual session has one peer. Choose group for more.")}
    return {}


def _value_problems(values: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """The session's values present in `values` that need no lookup: every problem (by
    field), and the values normalized."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    if "held_on" in values:
        held_on = values["held_on"]
        if not isinstance(held_on, datetime.date):
            errors["held_on"] = _("Enter the date of the session.")
        elif held_on > timezone.localdate():
            errors["held_on"] = _("That date is in the future. Record a session once it is held.")
    if "duration_minutes" in values:
        minutes = values["duration_minutes"]
        if isinstance(minutes, bool) or not isinstance(minutes, int):
            errors["duration_minutes"] = _("Enter how many minutes it took, as a number.")
        elif not 1 <= minutes <= MAX_SESSION_MINUTES:
            errors["duration_minutes"] = _("Enter between 1 and 480 minutes (8 hours).")
    if "kind" in values and values["kind"] not in SessionKind.values:
        errors["kind"] = _("Choose individual or group.")
    if "modality" in values and values["modality"] not in SessionModality.values:
        errors["modality"] = _("Choose in person, video or phone.")
    if "topics" in values:
        topics = [str(t) for t in values["topics"] or []]
        unknown = [t for t in topics if t not in SupervisionTopic.values]
        if unknown:
            errors["topics"] = _("Not in the list of topics: %(values)s.") % {
                "values": ", ".join(unknown)
            }
        cleaned["topics"] = list(dict.fromkeys(topics))
    if "topics_other" in values:
        cleaned["topics_other"] = (values["topics_other"] or "").strip()
        if len(cleaned["topics_other"]) > 200:
            errors["topics_other"] = _("Keep other topics under 200 characters.")
    for name in ("private_notes", "next_steps"):
        if name in values:
            cleaned[name] = (values[name] or "").strip()
    return errors, cleaned


def session_problems(**values: Any) -> dict[str, list[str]]:
    """Every problem session_record would name in the values given that needs no lookup (a
    date in the future, an individual session with several peers), without saving anything:
    the form shows them with its own errors, all at once (beacon.core.forms.add_problems)."""
    errors, cleaned = _value_problems(values)
    if "peers" in values and "kind" not in errors:
        errors.update(_kind_problem(cleaned.get("kind", values.get("kind")), len(values["peers"])))
    return {field: [str(message)] for field, message in errors.items()}


def _audit_details(session: SupervisionSession, peers) -> dict[str, Any]:
    return {
        "held_on": session.held_on.isoformat(),
        "minutes": session.duration_minutes,
        "kind": session.kind,
        "peers": sorted(str(p.pk) for p in peers),
    }


def session_record(
    *,
    member: Membership,
    peers: Iterable,
    held_on: datetime.date,
    duration_minutes: int,
    kind: str,
    modality: str,
    topics: Iterable[str] = (),
    topics_other: str = "",
    private_notes: str = "",
    next_steps: str = "",
    supervisor=None,
) -> SupervisionSession:
    """Record a supervision session held with one or more peers (users or their ids) of the
    member's organization. `supervisor` defaults to the member."""
    if not can_record_session(member):
        raise PermissionDenied
    values, peer_users = _clean_session(
        member=member,
        peers=list(peers),
        values={
            "supervisor": supervisor,
            "held_on": held_on,
            "duration_minutes": duration_minutes,
            "kind": kind,
            "modality": modality,
            "topics": list(topics or []),
            "topics_other": topics_other,
            "private_notes": private_notes,
            "next_steps": next_steps,
        },
    )
    session = SupervisionSession(organization=member.organization, created_by=member.user, **values)
    session.full_clean()
    with transaction.atomic():
        session.save()
        session.peers.set(peer_users)
        record_event(
            action="supervision.session_recorded",
            actor=member.user,
            organization=member.organization,
            target=session,
            details=_audit_details(session, peer_users),
        )
    return session


def session_update(
    *,
    member: Membership,
    session: SupervisionSession,
    expected_version: int,
    peers: Iterable | None = None,
    **changes: Any,
) -> SupervisionSession:
    """Change a session. Raises StaleVersion when someone saved since `expected_version`
    (nothing is written; the page shows both, the API answers 409)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not an editable field: {', '.join(sorted(unknown))}")
    if not can_change_session(member, session):
        raise PermissionDenied
    with transaction.atomic():
        current = (
            SupervisionSession.objects.select_for_update(of=("self",))
            .select_related("supervisor")
            .get(pk=session.pk)
        )
        if current.version != expected_version:
            raise StaleVersion(current, expected_version)
        values, peer_users = _clean_session(
            member=member,
            values=changes,
            peers=list(peers) if peers is not None else None,
            session=current,
        )
        changed = [f for f, v in values.items() if getattr(current, f) != v]
        old_peers = sorted(str(pk) for pk in current.peers.values_list("pk", flat=True))
        peers_changed = peer_users is not None and sorted(str(p.pk) for p in peer_users) != (
            old_peers
        )
        if not changed and not peers_changed:
            return current
        for name in changed:
            setattr(current, name, values[name])
        current.full_clean()
        save_versioned(current, expected_version=expected_version, fields=changed)
        if peers_changed:
            current.peers.set(peer_users)
        details: dict[str, Any] = {"fields": sorted(changed), "version": current.version}
        if peers_changed:
            details["peers"] = {"old": old_peers, "new": sorted(str(p.pk) for p in peer_users)}
        record_event(
            action="supervision.session_changed",
            actor=member.user,
            organization=member.organization,
            target=current,
            details=details,
        )
    return current


def session_remove(*, member: Membership, session: SupervisionSession) -> SupervisionSession:
    """Take a session recorded in error out of every list and of the peers' hours. The row is
    kept for the audit trail."""
    if not can_change_session(member, session):
        raise PermissionDenied
    with transaction.atomic():
        session.removed_at = timezone.now()
        session.removed_by = member.user
        session.save(update_fields=["removed_at", "removed_by", "updated_at"])
        record_event(
            action="supervision.session_removed",
            actor=member.user,
            organization=member.organization,
            target=session,
            details={"held_on": session.held_on.isoformat()},
        )
    return session


# Note review ---------------------------------------------------------------------------------


def review_comment_add(*, member: Membership, encounter: Encounter, body: str) -> ReviewComment:
    """Add a comment to a note's review thread (a supervisor or admin, or the note's peer)."""
    if not can_comment(member, encounter):
        raise PermissionDenied
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    if len(body) > MAX_COMMENT:
        raise ValidationError({"body": _("Keep a comment under 5000 characters.")})
    with transaction.atomic():
        comment = ReviewComment.objects.create(
            organization=member.organization,
            encounter=encounter,
            author=member.user,
            body=body,
            encounter_version=encounter.version,
            # The peer's own answer needs no "new comment" for them.
            seen_by_peer_at=timezone.now() if member.user_id == encounter.peer_id else None,
        )
        record_event(
            action="note_review.commented",
            actor=member.user,
            organization=member.organization,
            target=encounter,
            details={"participant": str(encounter.participant_id), "comment": str(comment.pk)},
        )
        # The peer hears of it in Beacon (notifications), besides My day's "new comments".
        notify_note_review(encounter=encounter, actor=member.user, what="commented")
    return comment


def review_comments_mark_seen(*, member: Membership, encounter: Encounter) -> int:
    """The note's peer opened it: its comments are no longer new for them."""
    if member is None or member.user_id != encounter.peer_id:
        return 0
    return ReviewComment.objects.filter(encounter=encounter, seen_by_peer_at__isnull=True).update(
        seen_by_peer_at=timezone.now()
    )


class AlreadyCosigned(Exception):
    pass


@dataclass
class CosignNote:
    """Co-sign one version of an encounter note: `check()` says whether this member may,
    `execute()` checks again and records the co-sign and its audit event. The version is the
    one the reviewer read: when the note was corrected since, StaleVersion (409), so nobody
    co-signs words they did not see. Pages and the API both use this."""

    member: Membership
    encounter: Encounter
    expected_version: int

    def check(self) -> None:
        if not can_cosign(self.member, self.encounter):
            raise PermissionDenied

    def execute(self) -> NoteCosign:
        self.check()
        with transaction.atomic():
            current = Encounter.objects.select_for_update(of=("self",)).get(pk=self.encounter.pk)
            if current.version != self.expected_version:
                raise StaleVersion(current, self.expected_version)
            if NoteCosign.objects.filter(encounter=current, encounter_version=current.version):
                raise AlreadyCosigned
            try:
                with transaction.atomic():
                    cosign = NoteCosign.objects.create(
                        organization=self.member.organization,
                        encounter=current,
                        encounter_version=current.version,
                        signed_by=self.member.user,
                    )
            except IntegrityError:
                raise AlreadyCosigned from None
            record_event(
                action="note_review.cosigned",
                actor=self.member.user,
                organization=self.member.organization,
                target=current,
                details={
                    "participant": str(current.participant_id),
                    "version": current.version,
                },
            )
            notify_note_review(encounter=current, actor=self.member.user, what="cosigned")
        return cosign


def note_cosign(*, member: Membership, encounter: Encounter, expected_version: int) -> NoteCosign:
    return CosignNote(
        member=member, encounter=encounter, expected_version=expected_version
    ).execute()
