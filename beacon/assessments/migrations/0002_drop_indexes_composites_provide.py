"""Drop foreign keys' own indexes where a composite index starting with the same column
answers every lookup on it (beacon/core/tests/test_indexes.py): index drops only, no table copy
on SQLite (beacon.core.migration_operations.DropForeignKeyIndex)."""

import django.db.models.deletion
from django.db import migrations, models

from beacon.core.migration_operations import DropForeignKeyIndex


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL drops the indexes concurrently (DropForeignKeyIndex)

    dependencies = [
        ('assessments', '0001_initial'),
        ('organizations', '0006_drop_indexes_composites_provide'),
        ('participants', '0004_drop_indexes_composites_provide'),
    ]

    operations = [
        DropForeignKeyIndex(
            model_name='assessment',
            name='participant',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='assessments', to='participants.participant'),
        ),
        DropForeignKeyIndex(
            model_name='questionnaire',
            name='organization',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='questionnaires', to='organizations.organization'),
        ),
        DropForeignKeyIndex(
            model_name='questionnaireversion',
            name='questionnaire',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='versions', to='assessments.questionnaire'),
        ),
    ]
