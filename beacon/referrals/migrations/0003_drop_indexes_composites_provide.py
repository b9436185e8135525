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
        ('participants', '0004_drop_indexes_composites_provide'),
        ('referrals', '0002_referral_inbox_recent'),
    ]

    operations = [
        DropForeignKeyIndex(
            model_name='disclosure',
            name='participant',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='disclosures', to='participants.participant'),
        ),
        DropForeignKeyIndex(
            model_name='referral',
            name='organization',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization'),
        ),
        DropForeignKeyIndex(
            model_name='referral',
            name='participant',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='participants.participant'),
        ),
        DropForeignKeyIndex(
            model_name='referral',
            name='receiving_organization',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='referrals_received', to='organizations.organization'),
        ),
    ]
