"""Drop foreign keys' own indexes where a composite index starting with the same column
answers every lookup on it (beacon/core/tests/test_indexes.py): index drops only, no table copy
on SQLite (beacon.core.migration_operations.DropForeignKeyIndex)."""

import django.db.models.deletion
from django.db import migrations, models

from beacon.core.migration_operations import DropForeignKeyIndex


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL drops the indexes concurrently (DropForeignKeyIndex)

    dependencies = [
        ('directory', '0006_directoryimport_retry_of'),
        ('organizations', '0006_drop_indexes_composites_provide'),
    ]

    operations = [
        DropForeignKeyIndex(
            model_name='directoryimport',
            name='organization',
            field=models.ForeignKey(blank=True, db_index=False, help_text="Whose admins see the import; it becomes the entries' curator.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='directory_imports', to='organizations.organization'),
        ),
        DropForeignKeyIndex(
            model_name='service',
            name='curator',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='curated_services', to='organizations.organization', verbose_name='curated by'),
        ),
    ]
