"""Flags raised in the week before this release get a follow-through record, open, so a
supervisor can acknowledge and resolve them; marked as escalated already, so the first run of
the escalation sends no burst of email about them. Older flags stay as they were (My day no
longer lists them; the encounter keeps its flag)."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Encounter = apps.get_model("encounters", "Encounter")
    CrisisFlag = apps.get_model("crisis", "CrisisFlag")
    now = timezone.now()
    flagged = Encounter.objects.filter(
        crisis_flag=True, occurred_at__gte=now - timedelta(days=7)
    ).values_list("pk", "organization_id", "participant_id", "created_by_id", "created_at")
    CrisisFlag.objects.bulk_create(
        [
            CrisisFlag(
                encounter_id=pk,
                organization_id=organization_id,
                participant_id=participant_id,
                raised_by_id=created_by_id,
                created_at=created_at,
                escalated_at=now,
            )
            for pk, organization_id, participant_id, created_by_id, created_at in flagged
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("crisis", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
