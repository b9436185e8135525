"""The names of the languages each service offers, for the language filter's choices (read from
their index instead of every directory language row), and the search index built for the
directory already in the database, with the models as they are at this migration (rebuilding
50,000 services takes about 25 s of CPU on SQLite; `beacon directory reindex` does the same)."""

import django.db.models.deletion
from django.db import migrations, models


def build_index(apps, schema_editor):
    from beacon.findhelp.index import search_index_build

    search_index_build(
        None,
        models={
            name: apps.get_model(app, name)
            for app, name in (
                ("directory", "Service"),
                ("directory", "Attribute"),
                ("directory", "Language"),
                ("directory", "ServiceAtLocation"),
                ("directory", "Schedule"),
                ("findhelp", "SearchDocument"),
                ("findhelp", "SearchPlace"),
                ("findhelp", "SearchHours"),
                ("findhelp", "SearchLanguage"),
            )
        },
    )


class Migration(migrations.Migration):

    dependencies = [
        ('findhelp', '0004_search_full_text'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchLanguage',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('name', models.TextField()),
                ('document', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='findhelp.searchdocument')),
            ],
            options={
                'indexes': [models.Index(fields=['name'], name='findhelp_language_name_idx')],
            },
        ),
        migrations.RunPython(build_index, migrations.RunPython.noop),
    ]
