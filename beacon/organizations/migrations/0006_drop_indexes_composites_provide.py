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
        ('organizations', '0005_workday_reviews_and_directory_settings'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        DropForeignKeyIndex(
            model_name='membership',
            name='organization',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='organizations.organization'),
        ),
        DropForeignKeyIndex(
            model_name='membership',
            name='user',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to=settings.AUTH_USER_MODEL),
        ),
    ]
