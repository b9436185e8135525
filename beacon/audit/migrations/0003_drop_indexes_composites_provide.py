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
        ('audit', '0002_append_only_trigger'),
        ('organizations', '0006_drop_indexes_composites_provide'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        DropForeignKeyIndex(
            model_name='auditevent',
            name='actor',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        DropForeignKeyIndex(
            model_name='auditevent',
            name='organization',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization'),
        ),
    ]
