"""Counters of the rate limits (beacon/core/ratelimit.py).

On PostgreSQL the table is UNLOGGED: a counter is written on every request it limits, and a
logged write would wait for the write-ahead log to reach the disk at each commit (about 4 ms a
request on the benchmark machine, against 0.5 ms of work). An unlogged table is emptied if the
server crashes and is not copied to standbys, which costs a rate limit nothing: its counters
last a window at most.
"""

from django.db import migrations, models


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_ratelimitcounter SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_ratelimitcounter SET LOGGED")


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="RateLimitCounter",
            fields=[
                ("key", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("scope", models.CharField(max_length=40)),
                ("expires_at", models.DateTimeField(db_index=True)),
                ("count", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(unlogged, logged, elidable=False),
    ]
