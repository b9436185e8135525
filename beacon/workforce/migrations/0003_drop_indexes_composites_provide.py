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
        ('organizations', '0006_drop_indexes_composites_provide'),
        ('workforce', '0002_standard_credentials'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        DropForeignKeyIndex(
            model_name='credentialdefinition',
            name='organization',
            field=models.ForeignKey(blank=True, db_index=False, help_text='Empty for the standard definitions every organization shares (read-only).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization'),
        ),
        DropForeignKeyIndex(
            model_name='peercredential',
            name='organization',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization'),
        ),
        DropForeignKeyIndex(
            model_name='renewalreminder',
            name='credential',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='workforce.peercredential'),
        ),
        DropForeignKeyIndex(
            model_name='training',
            name='user',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='trainings', to=settings.AUTH_USER_MODEL),
        ),
        DropForeignKeyIndex(
            model_name='wellbeingcheckin',
            name='organization',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization'),
        ),
        DropForeignKeyIndex(
            model_name='wellbeingcheckin',
            name='user',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='wellbeing_checkins', to=settings.AUTH_USER_MODEL),
        ),
    ]
