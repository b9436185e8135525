"""Drop foreign keys' own indexes where a composite index starting with the same column
answers every lookup on it (beacon/core/tests/test_indexes.py): index drops only, no table copy
on SQLite (beacon.core.migration_operations.DropForeignKeyIndex)."""

import django.db.models.deletion
from django.db import migrations, models

from beacon.core.migration_operations import DropForeignKeyIndex


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL drops the indexes concurrently (DropForeignKeyIndex)

    dependencies = [
        ('encounters', '0006_drop_indexes_composites_provide'),
        ('organizations', '0006_drop_indexes_composites_provide'),
        ('supervision', '0001_initial'),
    ]

    operations = [
        DropForeignKeyIndex(
            model_name='notecosign',
            name='encounter',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cosigns', to='encounters.encounter'),
        ),
        DropForeignKeyIndex(
            model_name='reviewcomment',
            name='encounter',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='review_comments', to='encounters.encounter'),
        ),
        DropForeignKeyIndex(
            model_name='supervisionsession',
            name='organization',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization'),
        ),
    ]
