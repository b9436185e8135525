"""Drop foreign keys' own indexes where a composite index starting with the same column
answers every lookup on it (beacon/core/tests/test_indexes.py): index drops only, no table copy
on SQLite (beacon.core.migration_operations.DropForeignKeyIndex)."""

import django.db.models.deletion
from django.db import migrations, models

from beacon.core.migration_operations import DropForeignKeyIndex


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL drops the indexes concurrently (DropForeignKeyIndex)

    dependencies = [
        ('groups', '0001_initial'),
        ('organizations', '0006_drop_indexes_composites_provide'),
        ('participants', '0004_drop_indexes_composites_provide'),
    ]

    operations = [
        DropForeignKeyIndex(
            model_name='attendance',
            name='participant',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='group_attendance', to='participants.participant'),
        ),
        DropForeignKeyIndex(
            model_name='group',
            name='organization',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization'),
        ),
        DropForeignKeyIndex(
            model_name='groupsession',
            name='group',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='sessions', to='groups.group'),
        ),
        DropForeignKeyIndex(
            model_name='groupsession',
            name='organization',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization'),
        ),
    ]
