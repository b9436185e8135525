"""When a person last set their password and set up MFA: API tokens made before either stop
working (issue 14). Existing people get the times the audit trail recorded for these changes, so
exactly the tokens that were made before one of them stop; see docs/decisions/0007-tokens.md."""

from django.db import migrations, models
from django.db.models import Max

PASSWORD_ACTIONS = ("auth.password_reset", "auth.password_changed")


def _latest(AuditEvent, user_ids, actions):
    """{user id: when the newest of these actions happened to them}, through the audit trail's
    index on its object."""
    rows = (
        AuditEvent.objects.filter(
            object_type="accounts.user", object_id__in=user_ids, action__in=actions
        )
        .order_by()
        .values("object_id")
        .annotate(at=Max("occurred_at"))
    )
    return {row["object_id"]: row["at"] for row in rows}


def backfill(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    ApiToken = apps.get_model("api", "ApiToken")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    # Only the times of people who hold a live token matter; the others are set when they next
    # change their password or set up MFA.
    user_ids = sorted(
        {str(pk) for pk in ApiToken.objects.filter(revoked_at__isnull=True).values_list("user_id", flat=True)}
    )
    for start in range(0, len(user_ids), 500):
        chunk = user_ids[start : start + 500]
        passwords = _latest(AuditEvent, chunk, PASSWORD_ACTIONS)
        mfa = _latest(AuditEvent, chunk, ("mfa.enrolled", "mfa.reset"))
        enrolled = _latest(AuditEvent, chunk, ("mfa.enrolled",))
        for user_id in chunk:
            values = {}
            if user_id in passwords:
                values["password_changed_at"] = passwords[user_id]
            # The newest enrolment, unless a reset of MFA came after it.
            if user_id in enrolled and enrolled[user_id] == mfa[user_id]:
                values["mfa_enrolled_at"] = enrolled[user_id]
            if values:
                User.objects.filter(pk=user_id).update(**values)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("api", "0002_idempotent_requests"),
        ("audit", "0003_drop_indexes_composites_provide"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="mfa_enrolled_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="user",
            name="password_changed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
