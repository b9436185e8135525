"""Forms for credentials, trainings, check-ins and the hours log. They check the shape of what
was typed; the services check the rules (and their messages are shown beside the fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beacon.core.forms import add_problems
from beacon.workforce.models import (
    CredentialStatus,
    EducationDomain,
    Sleep,
    Stress,
    Support,
)
from beacon.workforce.services import Upload, credential_problems, training_problems

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
HOURS = {"min_value": 0, "required": False, "widget": forms.NumberInput(attrs={"min": 0})}


def _domain_field_name(prefix: str, domain: str) -> str:
    return f"{prefix}_{domain}"


class DefinitionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    issuer = forms.CharField(label=_("Certification board"), max_length=150, required=False)
    description = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    education_hours = forms.IntegerField(
        label=_("Education hours in all"), min_value=0, max_value=5000
    )
    experience_hours = forms.IntegerField(label=_("Experience hours"), min_value=0, max_value=20000)
    experience_window_months = forms.IntegerField(
        label=_("Experience earned within (months)"),
        min_value=1,
        max_value=120,
        required=False,
        help_text=_("Leave empty when experience hours may be earned any time (Texas: 6)."),
    )
    supervision_hours = forms.IntegerField(
        label=_("Supervision hours"), min_value=0, max_value=5000
    )
    community_work_counts = forms.BooleanField(
        label=_("Community work counts as experience"),
        required=False,
        initial=True,
        help_text=_(
            "Outreach events, presentations, advocacy, trainings given and naloxone "
            "distribution peers log count toward the experience hours."
        ),
    )
    exam_required = forms.BooleanField(label=_("An exam is required"), required=False)
    renewal_months = forms.IntegerField(
        label=_("Renewal every (months)"), min_value=1, max_value=120
    )
    ce_hours = forms.IntegerField(
        label=_("Continuing education hours per renewal"), min_value=0, max_value=1000
    )
    is_active = forms.BooleanField(
        label=_("Offered to your organization's peers"), required=False, initial=True
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    DOMAINS = [d for d in EducationDomain.values if d != EducationDomain.GENERAL]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for prefix, help_text in (
            ("edu", _("Required education hours in this domain (within the total).")),
            ("ce", _("Required continuing education hours in this domain (within the total).")),
        ):
            for domain in self.DOMAINS:
                self.fields[_domain_field_name(prefix, domain)] = forms.IntegerField(
                    label=EducationDomain(domain).label,
                    max_value=5000,
                    help_text=help_text if domain == self.DOMAINS[0] else "",
                    **HOURS,
                )

    def domain_fields(self, prefix: str) -> list:
        return [self[_domain_field_name(prefix, d)] for d in self.DOMAINS]

    @property
    def education_domain_fields(self):
        return self.domain_fields("edu")

    @property
    def ce_domain_fields(self):
        return self.domain_fields("ce")

    @classmethod
    def initial_from(cls, definition) -> dict[str, Any]:
        initial = {
            f: getattr(definition, f)
            for f in (
                "name",
                "issuer",
                "description",
                "education_hours",
                "experience_hours",
                "experience_window_months",
                "supervision_hours",
                "community_work_counts",
                "exam_required",
                "renewal_months",
                "ce_hours",
                "is_active",
                "version",
            )
        }
        for domain, hours in (definition.education_by_domain or {}).items():
            initial[_domain_field_name("edu", domain)] = hours
        for domain, hours in (definition.ce_by_domain or {}).items():
            initial[_domain_field_name("ce", domain)] = hours
        return initial

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {
            f: data[f]
            for f in (
                "name",
                "issuer",
                "description",
                "education_hours",
                "experience_hours",
                "experience_window_months",
                "supervision_hours",
                "community_work_counts",
                "exam_required",
                "renewal_months",
                "ce_hours",
                "is_active",
            )
        }
        values["education_by_domain"] = {
            d: data[_domain_field_name("edu", d)]
            for d in self.DOMAINS
            if data.get(_domain_field_name("edu", d))
        }
        values["ce_by_domain"] = {
            d: data[_domain_field_name("ce", d)]
            for d in self.DOMAINS
            if data.get(_domain_field_name("ce", d))
        }
        return values

    def add_service_errors(self, exc) -> None:
        """Domain errors go on the first domain field of their group, so the summary links
        to the place to fix them."""
        from beacon.core.forms import apply_validation_error

        moved = {}
        for key, errors in getattr(exc, "error_dict", {}).items():
            target = {
                "education_by_domain": _domain_field_name("edu", self.DOMAINS[0]),
                "ce_by_domain": _domain_field_name("ce", self.DOMAINS[0]),
            }.get(key, key)
            moved[target] = errors
        if moved:
            from django.core.exceptions import ValidationError

            exc = ValidationError(moved)
        apply_validation_error(self, exc)


class CredentialForm(forms.Form):
    definition = forms.ModelChoiceField(
        label=_("Credential"), queryset=None, empty_label=_("Choose a credential")
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=CredentialStatus.choices, widget=forms.RadioSelect
    )
    started_on = forms.DateField(
        label=_("Count hours from"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty to count every hour recorded in Beacon."),
    )
    certified_on = forms.DateField(
        label=_("Certified (or last renewed) on"), required=False, widget=DATE
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty to work it out from the renewal period."),
    )
    exam_passed_on = forms.DateField(label=_("Exam passed on"), required=False, widget=DATE)
    credential_number = forms.CharField(
        label=_("Certificate number"), max_length=60, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FIELDS = (
        "status",
        "started_on",
        "certified_on",
        "expires_on",
        "exam_passed_on",
        "credential_number",
    )

    def __init__(self, *args, definitions=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["definition"]
        else:
            self.fields["definition"].queryset = definitions

    def clean(self):
        data = super().clean()
        # The service's rules (a certification date in the future or missing, an expiry
        # before it) with the form's own errors, all at once (issue 15).
        if "status" in data:
            readable = {f: None if f in self.errors else data.get(f) for f in self.FIELDS}
            add_problems(self, credential_problems(**readable))
        return data

    def values(self) -> dict[str, Any]:
        return {f: self.cleaned_data.get(f) for f in self.FIELDS}


class TrainingForm(forms.Form):
    course = forms.CharField(label=_("Course"), max_length=200)
    provider = forms.CharField(label=_("Provider"), max_length=200)
    completed_on = forms.DateField(label=_("Date completed"), widget=DATE)
    certificate = forms.FileField(
        label=_("Certificate"),
        required=False,
        help_text=_(
            "A PDF, PNG or JPEG, up to 5 MB. Only you and your organization's supervisors "
            "and admins can open it."
        ),
    )
    remove_certificate = forms.BooleanField(
        label=_("Remove the certificate on file"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for domain, label in EducationDomain.choices:
            self.fields[_domain_field_name("hours", domain)] = forms.DecimalField(
                label=label,
                max_digits=6,
                decimal_places=2,
                max_value=500,
                min_value=0,
                required=False,
                widget=forms.NumberInput(attrs={"min": 0, "step": "0.25", "inputmode": "decimal"}),
            )

    @property
    def hours_fields(self):
        return [self[_domain_field_name("hours", d)] for d in EducationDomain.values]

    @classmethod
    def initial_from(cls, training) -> dict[str, Any]:
        initial = {
            "course": training.course,
            "provider": training.provider,
            "completed_on": training.completed_on,
            "version": training.version,
        }
        for domain, minutes in (training.minutes_by_domain or {}).items():
            initial[_domain_field_name("hours", domain)] = f"{int(minutes) / 60:g}"
        return initial

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "course": data["course"],
            "provider": data["provider"],
            "completed_on": data["completed_on"],
            "hours": {
                d: data.get(_domain_field_name("hours", d))
                for d in EducationDomain.values
                if data.get(_domain_field_name("hours", d)) is not None
            },
        }

    def clean(self):
        data = super().clean()
        # The service's rules (a date in the future, no hours in any domain) with the form's
        # own errors, all at once (issue 15).
        hours = {
            d: data[_domain_field_name("hours", d)]
            for d in EducationDomain.values
            if data.get(_domain_field_name("hours", d)) is not None
        }
        if not any(f.name in self.errors for f in self.hours_fields):
            values = {f: data.get(f) for f in ("course", "provider", "completed_on")}
            add_problems(self, self._on_fields(training_problems(**values, hours=hours)))
        return data

    @staticmethod
    def _on_fields(problems: dict) -> dict:
        """The service names a domain (or `hours`): the form has a field per domain."""
        moved = {}
        for key, errors in problems.items():
            if key in EducationDomain.values:
                key = _domain_field_name("hours", key)
            elif key == "hours":
                key = _domain_field_name("hours", EducationDomain.values[0])
            moved[key] = errors
        return moved

    def upload(self) -> Upload | None:
        file = self.cleaned_data.get("certificate")
        if not file:
            return None
        # Read one byte past the limit at most: the service refuses what is too large.
        from beacon.workforce.services import CERTIFICATE_MAX_BYTES

        return Upload(name=file.name, content=file.read(CERTIFICATE_MAX_BYTES + 1))

    def add_service_errors(self, exc) -> None:
        from django.core.exceptions import ValidationError

        from beacon.core.forms import apply_validation_error

        moved = {}
        for key, errors in getattr(exc, "error_dict", {}).items():
            if key in EducationDomain.values:
                key = _domain_field_name("hours", key)
            elif key == "hours":
                key = _domain_field_name("hours", EducationDomain.values[0])
            moved[key] = errors
        apply_validation_error(self, ValidationError(moved) if moved else exc)


class CheckInForm(forms.Form):
    stress = forms.TypedChoiceField(
        label=_("How stressed do you feel?"),
        choices=Stress.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    sleep = forms.TypedChoiceField(
        label=_("How have you been sleeping?"),
        choices=Sleep.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    support = forms.TypedChoiceField(
        label=_("How supported do you feel?"),
        choices=Support.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything else, in your own words"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    shared = forms.BooleanField(
        label=_("Share this check-in with my supervisor"),
        required=False,
        help_text=_("Unless you tick this, no one but you can see it. You can change it later."),
    )

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class LogRangeForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date must be on or after the start date."))
        return data
