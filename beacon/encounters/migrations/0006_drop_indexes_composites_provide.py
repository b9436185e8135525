"""Drop foreign keys' own indexes where a composite index starting with the same column
answers every lookup on it (beacon/core/tests/test_indexes.py): index drops only, no table copy
on SQLite (beacon.core.migration_operations.DropForeignKeyIndex)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from beacon.core.migration_operations import DropForeignKeyIndex


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL drops the indexes concurrently (DropForeignKeyIndex)

    dependencies = [
        ('encounters', '0005_encounter_week_minute_utc'),
        ('organizations', '0006_drop_indexes_composites_provide'),
        ('participants', '0004_drop_indexes_composites_provide'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        DropForeignKeyIndex(
            model_name='encounter',
            name='organization',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization'),
        ),
        DropForeignKeyIndex(
            model_name='encounter',
            name='participant',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='encounters', to='participants.participant'),
        ),
        DropForeignKeyIndex(
            model_name='encounter',
            name='peer',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='encounters', to=settings.AUTH_USER_MODEL),
        ),
        DropForeignKeyIndex(
            model_name='encounterrevision',
            name='encounter',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='revisions', to='encounters.encounter'),
        ),
    ]
