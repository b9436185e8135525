"""Drop foreign keys' own indexes where a composite index starting with the same column
answers every lookup on it (beacon/core/tests/test_indexes.py): index drops only, no table copy
on SQLite (beacon.core.migration_operations.DropForeignKeyIndex)."""

import django.db.models.deletion
from django.db import migrations, models

from beacon.core.migration_operations import DropForeignKeyIndex


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL drops the indexes concurrently (DropForeignKeyIndex)

    dependencies = [
        ('organizations', '0006_drop_indexes_composites_provide'),
        ('plans', '0001_initial'),
    ]

    operations = [
        DropForeignKeyIndex(
            model_name='planversion',
            name='plan',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='versions', to='plans.recoveryplan'),
        ),
        DropForeignKeyIndex(
            model_name='recoveryplan',
            name='organization',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization'),
        ),
    ]
