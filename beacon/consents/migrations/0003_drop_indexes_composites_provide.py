"""Drop foreign keys' own indexes where a composite index starting with the same column
answers every lookup on it (beacon/core/tests/test_indexes.py): index drops only, no table copy
on SQLite (beacon.core.migration_operations.DropForeignKeyIndex)."""

import django.db.models.deletion
from django.db import migrations, models

from beacon.core.migration_operations import DropForeignKeyIndex


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL drops the indexes concurrently (DropForeignKeyIndex)

    dependencies = [
        ('consents', '0002_initial'),
        ('participants', '0004_drop_indexes_composites_provide'),
    ]

    operations = [
        DropForeignKeyIndex(
            model_name='consent',
            name='participant',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='participants.participant'),
        ),
    ]
