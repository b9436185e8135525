"""Writes of the reports app: community work a peer logs, networks and their viewers. Each is
validated, atomic and recorded in the audit trail."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from beacon.audit.services import record_event
from beacon.organizations.models import Membership, Organization
from beacon.reports.models import (
    ActivityKind,
    CommunityActivity,
    Network,
    NetworkMember,
    NetworkViewer,
)
from beacon.reports.permissions import can_log_community_work, can_remove_community_activity

ACTIVITY_FIELDS = ("kind", "on", "minutes", "people_reached", "naloxone_kits", "where", "note")


def community_activity_log(*, member: Membership, values: dict[str, Any]) -> CommunityActivity:
    """Community work the member did (never about one participant): it counts toward their
    credential's experience hours where the definition allows, and appears in the reports."""
    if not can_log_community_work(member):
        raise PermissionDenied
    activity = CommunityActivity(
        organization=member.organization,
        peer=member.user,
        created_by=member.user,
        **{f: values[f] for f in ACTIVITY_FIELDS if f in values and values[f] is not None},
    )
    activity.full_clean()
    if activity.kind == ActivityKind.NALOXONE and not activity.naloxone_kits:
        raise ValidationError(
            {"naloxone_kits": _("Say how many naloxone kits were given (1 or more).")}
        )
    with transaction.atomic():
        activity.save()
        record_event(
            action="community_work.logged",
            actor=member.user,
            organization=member.organization,
            target=activity,
            details={
                "kind": activity.kind,
                "on": activity.on.isoformat(),
                "minutes": activity.minutes,
                "people_reached": activity.people_reached,
                "naloxone_kits": activity.naloxone_kits,
            },
        )
    return activity


def community_activity_remove(*, member: Membership, activity: CommunityActivity) -> None:
    """Remove an entry logged by mistake; the audit trail keeps what it said."""
    if not can_remove_community_activity(member, activity):
        raise PermissionDenied
    with transaction.atomic():
        record_event(
            action="community_work.removed",
            actor=member.user,
            organization=member.organization,
            target=activity,
            details={
                "kind": activity.kind,
                "on": activity.on.isoformat(),
                "minutes": activity.minutes,
                "peer": str(activity.peer_id),
            },
        )
        CommunityActivity.objects.filter(pk=activity.pk).delete()


def report_exported(*, member: Membership | None, user, report: str, filters: str) -> None:
    """A download of aggregate figures (no participant named) is still worth a line."""
    record_event(
        action="report.exported",
        actor=user,
        organization=getattr(member, "organization", None),
        object_type="report",
        object_id=report[:64],
        details={"filters": filters[:500]},
    )


def network_create(*, actor, name: str, description: str = "") -> Network:
    """A network (a state, a funder). Platform admins create them (`beacon reports` in a later
    round; today the demo and the admin's shell)."""
    if not actor.is_platform_admin:
        raise PermissionDenied
    network = Network(name=name.strip(), description=description.strip())
    network.full_clean()
    with transaction.atomic():
        network.save()
        record_event(action="network.created", actor=actor, target=network, details={"name": name})
    return network


def network_member_add(*, actor, network: Network, organization: Organization) -> NetworkMember:
    if not actor.is_platform_admin:
        raise PermissionDenied
    with transaction.atomic():
        member, _created = NetworkMember.objects.get_or_create(
            network=network, organization=organization
        )
        record_event(
            action="network.member_added",
            actor=actor,
            organization=organization,
            target=network,
            details={"organization": str(organization.pk)},
        )
    return member


def network_viewer_add(*, actor, network: Network, user) -> NetworkViewer:
    if not actor.is_platform_admin:
        raise PermissionDenied
    with transaction.atomic():
        viewer, _created = NetworkViewer.objects.get_or_create(network=network, user=user)
        record_event(
            action="network.viewer_added",
            actor=actor,
            target=network,
            details={"user": str(user.pk)},
        )
    return viewer
