"""The synonyms Beacon comes with (beacon/findhelp/synonyms.py). Migration 0009 rebuilds the
search index, so the services that say them are found by their meanings too (about 25 s of CPU
for 50,000 services on SQLite; `beacon directory reindex` does the same)."""

from django.db import migrations


def load_defaults(apps, schema_editor):
    from beacon.findhelp.synonyms import DEFAULT_SYNONYMS

    Synonym = apps.get_model("findhelp", "SearchSynonym")
    have = set(Synonym.objects.values_list("phrase", flat=True))
    Synonym.objects.bulk_create(
        [Synonym(phrase=p, means=m) for p, m in DEFAULT_SYNONYMS if p not in have]
    )
    # The index is rebuilt with them by the next migration (0009), which changes it anyway.


def remove_defaults(apps, schema_editor):
    from beacon.findhelp.synonyms import DEFAULT_SYNONYMS

    apps.get_model("findhelp", "SearchSynonym").objects.filter(
        organization__isnull=True, phrase__in=[p for p, _m in DEFAULT_SYNONYMS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("findhelp", "0007_search_synonyms"),
    ]

    operations = [migrations.RunPython(load_defaults, remove_defaults)]
