from __future__ import annotations

from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from beacon.audit.actions import ACTIONS
from beacon.audit.chain import GENESIS_HASH, clean_text, entry_hash, normalize_details
from beacon.audit.context import current_request_info
from beacon.audit.models import AuditEvent
from beacon.core.net import normalize_ip

# Any constant works: it only has to be the same for every writer of the chain.
_PG_CHAIN_LOCK = 0x62656163  # "beac"


def lock_chain() -> None:
    """Serialize writers of the chain for the rest of the transaction. Every writer takes it
    (chain_entries() does; the benchmark's hand-written floor calls it before its own SQL).

    PostgreSQL: a transaction-scoped advisory lock. SQLite: Beacon opens every transaction with
    BEGIN IMMEDIATE (settings), which already holds the single write lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_CHAIN_LOCK])


def chain_entries(contents: list[dict[str, Any]], *, key: bytes | None = None) -> list[dict]:
    """The chain's one rule for appending: `contents` (an entry's fields as record_event()
    stores them, without `id`, `prev_hash` and `hash`), in order, each given the next id and
    chained to the entry before it, the first to the last one stored.

    Takes the chain lock for the rest of the caller's transaction (call it inside one, and
    insert the rows in that transaction). record_event(), record_events() and the bulk seed
    (beacon.ops.seed) all append through it. `key`: the chain key, when the caller has read it
    once for many calls.
    """
    lock_chain()
    last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    next_id, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    rows = []
    for content in contents:
        row = {**content, "id": next_id, "prev_hash": prev_hash}
        prev_hash = row["hash"] = entry_hash(**row, key=key)
        rows.append(row)
        next_id += 1
    return rows


def record_event(
    *,
    action: str,
    actor: Any = None,
    organization: Any = None,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    details: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one entry to the audit trail, chained to the last one.

    Runs inside the caller's transaction when there is one, so an entry exists exactly when the
    change it describes was committed. The address comes from the current request unless given.
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}: add it to beacon/audit/actions.py")
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    if ip_address is None:
        ip_address = current_request_info().ip_address
    ip_address = normalize_ip(ip_address)
    object_type, object_id = clean_text(object_type)[:64], clean_text(str(object_id))[:64]
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_email = getattr(actor, "email", "") if actor is not None else ""
    organization_id = getattr(organization, "pk", None) if organization is not None else None
    details = normalize_details(details)

    with transaction.atomic():
        content = {
            "occurred_at": timezone.now(),
            "actor_id": actor_id,
            "actor_email": actor_email,
            "organization_id": organization_id,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "ip_address": ip_address,
            "details": details,
        }
        (row,) = chain_entries([content])
        event = AuditEvent(**row)
        event.save()
    return event


def record_events(
    *,
    action: str,
    actor: Any = None,
    organization: Any = None,
    targets: list[models.Model] = (),
    objects: list[tuple[str, str]] = (),
    details: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """Append one entry per target, all with the same action and details, chained like
    record_event() but in a fixed number of queries however many targets there are: for a page
    that shows many people's names and records a read of each (a group's attendance).
    `objects`: targets named by (object type, id) instead of loaded."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}: add it to beacon/audit/actions.py")
    objects = [(t._meta.label_lower, t.pk) for t in targets] + list(objects)
    if not objects:
        return []
    ip_address = normalize_ip(current_request_info().ip_address)
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_email = getattr(actor, "email", "") if actor is not None else ""
    organization_id = getattr(organization, "pk", None) if organization is not None else None
    details = normalize_details(details)
    with transaction.atomic():
        now = timezone.now()
        rows = chain_entries(
            [
                {
                    "occurred_at": now,
                    "actor_id": actor_id,
                    "actor_email": actor_email,
                    "organization_id": organization_id,
                    "action": action,
                    "object_type": clean_text(object_type)[:64],
                    "object_id": clean_text(str(object_id))[:64],
                    "ip_address": ip_address,
                    "details": details,
                }
                for object_type, object_id in objects
            ]
        )
        events = AuditEvent.objects.bulk_create([AuditEvent(**row) for row in rows])
    return events


def changed_fields(instance: models.Model, new_values: dict[str, Any]) -> dict[str, Any]:
    """The {"field": {"old": ..., "new": ...}} of the values that really change."""
    changes = {}
    for field, new in new_values.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = {"old": old, "new": new}
    return changes


def audit_trail_exported(*, member, filters, count: int) -> AuditEvent:
    """A download of the trail is itself an entry: who, with which filters, how many rows."""
    return record_event(
        action="audit.exported",
        actor=member.user,
        organization=member.organization,
        details={
            "rows": count,
            "filters": {
                "actor": filters.actor,
                "kind": filters.kind,
                "action": filters.action,
                "participant": filters.participant,
                "since": filters.since.isoformat() if filters.since else "",
                "until": filters.until.isoformat() if filters.until else "",
            },
        },
    )
