import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from beacon.audit.actions import action_label

# A date or date-time as the details store it: 2026-12-07 or 2026-12-07T15:05:00+00:00.
_ISO_DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
)


def _readable_date(match: re.Match) -> str:
    text = match.group(0)
    try:
        moment = parse_datetime(text) if len(text) > 10 else None
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return date_format(moment, "DATETIME_FORMAT")
        day = parse_date(text[:10])
    except ValueError:
        return text
    return date_format(day, "DATE_FORMAT") if day else text


class DetailsParticipant(models.Func):
    """The participant an entry's details name (`details.participant`), as text: written the
    same way in the index audit_about_participant and in the queries that read it, the path a
    literal (SQLite uses an index on an expression only for the very same expression)."""

    arity = 1
    output_field = models.CharField()
    template = "(%(expressions)s ->> 'participant')"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="JSON_EXTRACT(%(expressions)s, '$.participant')",
            **extra_context,
        )


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit event through Beacon."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One entry of the append-only trail, chained to the entry before it by a keyed hash.

    `id` is the position in the chain, assigned by record_event() while it holds the chain lock;
    it is part of the hashed content, so moving an entry breaks the chain (beacon/audit/chain.py).
    """

    id = models.BigIntegerField(primary_key=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # The email at the time, so the trail still reads right after someone changes theirs.
    actor_email = models.CharField(max_length=254, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["organization", "-id"], name="audit_org_recent"),
            models.Index(fields=["organization", "action", "-id"], name="audit_org_action"),
            models.Index(fields=["actor", "-id"], name="audit_actor_recent"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            # Entries about a participant filed under one of their records (an encounter, a
            # consent): details.participant names them. With audit_object, a participant's own
            # access log (/my/record-access/) reads only their entries, however long the trail.
            models.Index(
                DetailsParticipant("details"),
                models.F("id").desc(),
                name="audit_about_participant",
            ),
        ]
        verbose_name = _("audit event")

    def __str__(self):
        return f"#{self.id} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events are append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def details_lines(self) -> list[str]:
        """The details as short readable lines: "role: peer → supervisor", with the ISO dates
        the details hold written in Beacon's one date format (the CSV and the API keep them ISO)."""
        lines = []
        for key, value in (self.details or {}).items():
            if isinstance(value, dict) and set(value) == {"old", "new"}:
                lines.append(f"{key}: {value['old']} → {value['new']}")
            else:
                lines.append(f"{key}: {value}")
        return [_ISO_DATE.sub(_readable_date, line) for line in lines]
