# Every organization has its slug now (0012): it becomes required and unique.

from django.db import migrations, models

import beacon.organizations.slugs


class Migration(migrations.Migration):

    dependencies = [
        ("organizations", "0012_organization_public_page"),
    ]

    operations = [
        migrations.AlterField(
            model_name="organization",
            name="slug",
            field=models.CharField(
                error_messages={
                    "unique": "Another organization already uses this address. Choose another."
                },
                help_text="Your public page is at /o/<this address>/. Lowercase letters, numbers and hyphens. Changing it breaks links to the old address.",
                max_length=60,
                unique=True,
                validators=[beacon.organizations.slugs.slug_validator],
                verbose_name="Address of your public page",
            ),
        ),
    ]
