"""An index for Find Help's bounding-box search on directory locations.

It lives here, not in the directory app, because only Find Help's distance search needs it
(bench/RESULTS.md); plain SQL that SQLite and PostgreSQL both understand.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("findhelp", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS findhelp_location_geo_idx "
            "ON directory_location (latitude, longitude)",
            "DROP INDEX IF EXISTS findhelp_location_geo_idx",
        ),
    ]
