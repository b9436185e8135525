"""When an organization's MFA requirement took effect: staff API tokens made before it stop
working (issue 14). An organization that requires MFA gets the time the audit trail recorded
for the last change that turned it on, or its creation when it always required it; see
docs/decisions/0007-tokens.md."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    for organization in Organization.objects.filter(mfa_required=True).only("pk", "created_at"):
        turned_on = (
            AuditEvent.objects.filter(
                organization_id=organization.pk,
                action="organization.settings_changed",
                details__mfa_required__new=True,
            )
            .order_by("-id")
            .values_list("occurred_at", flat=True)
            .first()
        )
        Organization.objects.filter(pk=organization.pk).update(
            mfa_required_since=turned_on or organization.created_at
        )


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0006_drop_indexes_composites_provide"),
        ("audit", "0003_drop_indexes_composites_provide"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="mfa_required_since",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
