from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.forms import DateInput, add_problems
from beacon.participants.models import (
    CaseloadRole,
    DischargeReason,
    Participant,
    RecoveryPathway,
    Substance,
)
from beacon.participants.services import EDITABLE_FIELDS, participant_discharge_problems


class ParticipantForm(forms.ModelForm):
    """Intake and editing. Grouped on the page: who they are, how to reach them safely,
    their recovery, coverage and program."""

    pathways = forms.MultipleChoiceField(
        label=_("Recovery pathways"),
        choices=RecoveryPathway.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every pathway is valid; choose all that the person names."),
    )
    substances = forms.MultipleChoiceField(
        label=_("Substances of focus"),
        choices=Substance.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    priority_populations = forms.ModelMultipleChoiceField(
        label=_("Priority populations"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Participant
        fields = [*EDITABLE_FIELDS, "priority_populations"]
        widgets = {
            "date_of_birth": DateInput,
            "enrolled_on": DateInput,
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    GROUPS = (
        (
            _("Who they are"),
            (
                "given_name",
                "family_name",
                "preferred_name",
                "pronouns",
                "date_of_birth",
                "preferred_language",
            ),
        ),
        (
            _("Reaching them safely"),
            (
                "phone",
                "email",
                "may_text",
                "may_leave_voicemail",
                "may_use_org_name",
                "contact_notes",
            ),
        ),
        (
            _("Their recovery"),
            ("pathways", "substances", "stage_of_change", "priority_populations"),
        ),
        (_("Coverage"), ("insurance", "medicaid_id")),
        (
            _("Emergency contact"),
            ("emergency_contact_name", "emergency_contact_phone", "emergency_contact_relationship"),
        ),
        (_("Program"), ("referral_source", "enrolled_on")),
    )

    def __init__(self, *args, populations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority_populations"].queryset = populations
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for name in ("date_of_birth", "enrolled_on"):
            self.fields[name].widget.format = "%Y-%m-%d"

    def groups(self):
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]

    def clean_date_of_birth(self):
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth is in the future."))
        return value

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("priority_populations", None)
        return {k: v for k, v in data.items() if k in EDITABLE_FIELDS}


class IntakeForm(ParticipantForm):
    primary_peer = forms.ModelChoiceField(
        label=_("Primary peer"),
        queryset=None,
        required=False,
        empty_label=_("Me"),
        help_text=_("Who will work with this person first. You can change it later."),
    )

    def __init__(self, *args, peers=None, show_peer=False, **kwargs):
        super().__init__(*args, **kwargs)
        if show_peer:
            self.fields["primary_peer"].queryset = peers
            self.fields["primary_peer"].label_from_instance = lambda m: m.user.name
            self.fields["primary_peer"].empty_label = _("Choose a peer")
            self.fields["primary_peer"].required = True
        else:
            del self.fields["primary_peer"]


class DischargeForm(forms.Form):
    discharged_on = forms.DateField(label=_("Discharge date"), widget=DateInput)
    reason = forms.ChoiceField(label=_("Reason"), choices=DischargeReason.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, participant: Participant | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant

    def clean(self):
        data = super().clean()
        # A discharge before the enrolment with the other errors, all at once (issue 15).
        if self.participant is not None and data.get("discharged_on") is not None:
            add_problems(
                self,
                participant_discharge_problems(
                    participant=self.participant, discharged_on=data["discharged_on"]
                ),
            )
        return data


class CaseloadEndForm(forms.Form):
    """Only the note: a form, so that it is checked as any text is (length, no NUL)."""

    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReadmitForm(forms.Form):
    enrolled_on = forms.DateField(label=_("Enrolled again on"), widget=DateInput)


class AssignForm(forms.Form):
    peer = forms.ModelChoiceField(label=_("Peer"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=CaseloadRole.choices)
    note = forms.CharField(label=_("Reason (optional)"), max_length=300, required=False)

    def __init__(self, *args, peers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["peer"].queryset = peers
        self.fields["peer"].label_from_instance = lambda m: (
            f"{m.user.name} ({m.get_role_display()})"
        )


class MergeSearchForm(forms.Form):
    duplicate = forms.IntegerField(
        label=_("Record number of the duplicate"),
        help_text=_("The record that will be merged into this one."),
        min_value=1,
    )


class PopulationForm(forms.Form):
    name = forms.CharField(label=_("New priority population"), max_length=80)
