from django import forms
from django.utils.translation import gettext_lazy as _

from beacon.organizations.models import Organization, Role


class OrganizationSettingsForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "name",
            "part2_applies",
            "mfa_required",
            "idle_timeout_minutes",
            "overdue_after_days",
            "participants_open_to_team",
            "billing_units_rule",
            "plan_review_interval_days",
            "referral_follow_up_days",
            "directory_verify_after_days",
            "note_review_first_count",
            "note_review_crisis",
            "crisis_escalate_after_minutes",
            "caseload_cap",
            "workday_starts",
            "workday_ends",
        ]
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
