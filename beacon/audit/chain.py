"""The keyed hash chain that makes the audit trail tamper-evident.

Each entry's hash is HMAC-SHA256 over its own content and the previous entry's hash. The key
is BEACON_AUDIT_KEY (or, without it, a key derived from the secret key): it never lives in the
database, so someone who can edit the database cannot forge a consistent chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.crypto import salted_hmac

GENESIS_HASH = "0" * 64


def chain_key() -> bytes:
    if settings.BEACON_AUDIT_KEY:
        return settings.BEACON_AUDIT_KEY.encode()
    return salted_hmac("beacon.audit.chain", "key", secret=settings.SECRET_KEY).digest()


def clean_text(value: str) -> str:
    """PostgreSQL cannot store NUL characters in text or JSON; a request path can carry one."""
    return value.replace("\x00", "\ufffd")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean(v) for k, v in value.items()}
    return value


def normalize_details(details: dict[str, Any] | None) -> dict[str, Any]:
    """Details as they will read back from either database: plain JSON types only."""
    return _clean(json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder)))


def _utc_iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    *,
    id: int,
    occurred_at: datetime,
    actor_id: Any,
    actor_email: str,
    organization_id: Any,
    action: str,
    object_type: str,
    object_id: str,
    ip_address: str | None,
    details: dict[str, Any],
    prev_hash: str,
    key: bytes | None = None,
) -> str:
    content = [
        id,
        _utc_iso(occurred_at),
        str(actor_id) if actor_id else None,
        actor_email,
        str(organization_id) if organization_id else None,
        action,
        object_type,
        object_id,
        ip_address,
        details,
        prev_hash,
    ]
    message = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key or chain_key(), message.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


_FIELDS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_email",
    "organization_id",
    "action",
    "object_type",
    "object_id",
    "ip_address",
    "details",
    "prev_hash",
    "hash",
)


def verify_chain(*, chunk_size: int = 5000) -> ChainReport:
    """Walk the whole trail in order and name the first entry that does not hold.

    An edited entry fails its own hash; a deleted entry leaves a gap in the positions and the
    next entry's prev_hash pointing at nothing; a reordered entry fails because its position is
    part of what was hashed.
    """
    from beacon.audit.models import AuditEvent

    key = chain_key()
    expected_prev = GENESIS_HASH
    expected_id = None
    checked = 0
    rows = AuditEvent.objects.order_by("id").values_list(*_FIELDS).iterator(chunk_size=chunk_size)
    for row in rows:
        entry = dict(zip(_FIELDS, row, strict=True))
        stored_hash = entry.pop("hash")
        if expected_id is not None and entry["id"] != expected_id:
            return ChainReport(
                checked, entry["id"], f"entries {expected_id} to {entry['id'] - 1} are missing"
            )
        if entry["prev_hash"] != expected_prev:
            return ChainReport(
                checked, entry["id"], "it does not follow the entry before it (prev_hash differs)"
            )
        if not hmac.compare_digest(entry_hash(**entry, key=key), stored_hash):
            return ChainReport(
                checked, entry["id"], "its content does not match its hash (edited or moved)"
            )
        checked += 1
        expected_prev = stored_hash
        expected_id = entry["id"] + 1
    return ChainReport(checked)
