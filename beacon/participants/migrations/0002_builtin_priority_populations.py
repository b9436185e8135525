from django.db import migrations

BUILT_IN = [
    "Veteran",
    "Justice-involved",
    "Pregnant or parenting",
    "LGBTQ+",
    "Youth or young adult",
    "Experiencing homelessness",
    "Older adult",
]


def create(apps, schema_editor):
    PriorityPopulation = apps.get_model("participants", "PriorityPopulation")
    for name in BUILT_IN:
        if not PriorityPopulation.objects.filter(organization=None, name=name).exists():
            PriorityPopulation.objects.create(organization=None, name=name)


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
