# The organization's public page (issue 18, docs/public-site.md): its address (slug), whether it
# is published, and what it shows. Every existing organization gets a slug from its name here;
# 0013 then makes the slug required and unique (a separate migration, so on PostgreSQL the
# rows are written in one transaction and the table altered in the next).

import django.core.validators
from django.db import migrations, models



def fill_slugs(apps, schema_editor):
    from beacon.organizations.slugs import slug_from_name

    Organization = apps.get_model("organizations", "Organization")
    taken: set[str] = set()
    # Oldest first, so the organization that has had a name longest keeps it without "-2".
    for organization in Organization.objects.order_by("created_at", "pk").only("pk", "name"):
        slug = slug_from_name(organization.name, taken)
        taken.add(slug)
        Organization.objects.filter(pk=organization.pk).update(slug=slug)


class Migration(migrations.Migration):

    dependencies = [
        ("organizations", "0011_organization_peer_requests"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="slug",
            field=models.CharField(max_length=60, null=True),
        ),
        migrations.AddField(
            model_name="organization",
            name="public_page_published",
            field=models.BooleanField(
                default=False,
                help_text='On: anyone can open your public page, without signing in. Off: its address shows "page not found", as for an address that does not exist.',
                verbose_name="Publish your public page",
            ),
        ),
        migrations.AddField(
            model_name="organization",
            name="public_description",
            field=models.CharField(
                blank=True,
                default="",
                help_text="A few sentences in plain words for someone looking for help.",
                max_length=2000,
                verbose_name="What you offer",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="organization",
            name="public_hours",
            field=models.CharField(
                blank=True,
                default="",
                help_text="For example: Monday to Friday 9 am to 5 pm; walk-ins Saturday 10 to 2.",
                max_length=500,
                verbose_name="Hours",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="organization",
            name="address",
            field=models.CharField(
                blank=True,
                default="",
                help_text="Where people can find you. Leave it empty if you have no public address.",
                max_length=300,
                verbose_name="Street address",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="organization",
            name="website",
            field=models.URLField(
                blank=True,
                default="",
                help_text="Starting with https:// (or http://).",
                validators=[django.core.validators.URLValidator(schemes=["http", "https"])],
                verbose_name="Website",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="organization",
            name="phone",
            field=models.CharField(
                blank=True,
                help_text="Shown to participants in their Beacon, beside the 988 crisis line, and on your public page when it is published.",
                max_length=40,
                verbose_name="Phone participants can call",
            ),
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
    ]
