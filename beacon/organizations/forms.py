from django import forms
from django.utils.translation import gettext_lazy as _

from beacon.organizations.models import Organization, Role
from beacon.organizations.services import PUBLIC_PAGE_FIELDS, SETTINGS_FIELDS


class OrganizationSettingsForm(forms.ModelForm):
    # "harbor.example.org" means https://harbor.example.org (the model allows http and https).
    website = forms.URLField(
        label=Organization._meta.get_field("website").verbose_name,
        help_text=Organization._meta.get_field("website").help_text,
        max_length=200,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Organization
        # The settings organization_update_settings accepts (one list, so the two cannot drift).
        fields = list(SETTINGS_FIELDS)
        widgets = {
            "workday_starts": forms.TimeInput(attrs={"type": "time"}),
            "workday_ends": forms.TimeInput(attrs={"type": "time"}),
            "public_description": forms.Textarea(attrs={"rows": 4}),
            "public_hours": forms.Textarea(attrs={"rows": 2}),
            "address": forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
            "slug": forms.TextInput(
                attrs={"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"}
            ),
        }

    def general_fields(self):
        return [field for field in self if field.name not in PUBLIC_PAGE_FIELDS]

    def public_page_fields(self):
        """The public page's settings, under their own heading (docs/public-site.md)."""
        return [self[name] for name in PUBLIC_PAGE_FIELDS]

    def clean_slug(self):
        # "Harbor-Recovery " is what was meant by harbor-recovery; anything else is explained.
        return (self.cleaned_data.get("slug") or "").strip().lower()

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("workday_starts"), cleaned.get("workday_ends")
        if starts and ends and ends <= starts:
            self.add_error("workday_ends", _("Working hours must end after they start."))
        return cleaned


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.PEER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(label=_("Organization name"), max_length=200)
    admin_email = forms.EmailField(
        label=_("Email of its first organization admin"),
        help_text=_("They receive an invitation to set up their account."),
    )
