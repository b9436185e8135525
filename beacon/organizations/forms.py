from django import forms
from django.utils.translation import gettext_lazy as _

from beacon.organizations.models import Organization, Role
from beacon.organizations.services import SETTINGS_FIELDS


class OrganizationSettingsForm(forms.ModelForm):
    class Meta:
        model = Organization
        # The settings organization_update_settings accepts (one list, so the two cannot drift).
        fields = list(SETTINGS_FIELDS)
        widgets = {
            "workday_starts": forms.TimeInput(attrs={"type": "time"}),
            "workday_ends": forms.TimeInput(attrs={"type": "time"}),
        }

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
