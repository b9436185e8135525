"""The billing pages' forms. They check the shape of what was typed; the rules themselves are
checked by the services (rules.parse, the models' validators) and shown beside each field."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.billing.models import BillingSettings
from beacon.billing.rules import PLACE_KEYS
from beacon.billing.services import SETTINGS_FIELDS
from beacon.core.forms import AccessibleErrorsMixin, DateInput, apply_validation_error


class BillingForm(AccessibleErrorsMixin, forms.Form):
    def add_service_errors(self, exc) -> None:
        apply_validation_error(self, exc)


class SettingsForm(AccessibleErrorsMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = BillingSettings
        fields = list(SETTINGS_FIELDS)
        widgets = {
            "npi": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "rate_individual": forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            "rate_group": forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        }

    def add_service_errors(self, exc) -> None:
        apply_validation_error(self, exc)


def _last_month() -> tuple[datetime.date, datetime.date]:
    first_this = timezone.localdate().replace(day=1)
    end = first_this - datetime.timedelta(days=1)
    return end.replace(day=1), end


class RunForm(BillingForm):
    payer = forms.ChoiceField(label=_("Payer and its rules"))
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To (the last day included)"), widget=DateInput())

    def __init__(self, *args, payers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].choices = [("", _("Choose a payer"))] + [
            (
                p.choice,
                p.rules.name
                if p.ruleset is not None
                else _("%s (Beacon's example)") % p.rules.name,
            )
            for p in payers
        ]
        if not self.is_bound:
            self.initial.setdefault("start", _last_month()[0])
            self.initial.setdefault("end", _last_month()[1])


def _words(value: Any) -> str:
    return ", ".join(value or [])


# Not billable: what each box means in Beacon's encounters (rules.NOT_BILLABLE).
EXCLUSION_MATCHES = {
    "outreach": {"modalities": ["outreach"], "kinds": [], "topics": []},
    "transport": {"modalities": [], "kinds": [], "topics": ["transportation"]},
    "paperwork": {"modalities": [], "kinds": [], "topics": []},
}


class RuleSetForm(BillingForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=200)
    state = forms.CharField(label=_("State (two letters)"), max_length=2)
    payer_name = forms.CharField(label=_("Payer's name"), max_length=60)
    payer_id = forms.CharField(
        label=_("Payer id"), max_length=80, help_text=_("As the payer or clearinghouse gives it.")
    )
    receiver_id = forms.CharField(
        label=_("Receiver id"),
        max_length=80,
        help_text=_("Who receives the file: the payer, or your clearinghouse."),
    )
    source = forms.CharField(
        label=_("Where these rules come from"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    procedure_code = forms.CharField(label=_("Procedure code"), max_length=5, initial="H0038")
    individual_modifiers = forms.CharField(
        label=_("Modifiers, one-on-one"), required=False, help_text=_("For example: HF")
    )
    group_modifiers = forms.CharField(
        label=_("Modifiers, groups"), required=False, help_text=_("For example: HQ, HF")
    )
    units_rule = forms.ChoiceField(
        label=_("Units"),
        choices=[
            ("recorded", _("As Beacon recorded them under our organization's rule")),
            ("midpoint", _("A unit for each 15 minutes, one more for 8 minutes or more left")),
            ("whole", _("Only whole 15-minute units")),
        ],
    )
    daily_unit_cap = forms.IntegerField(label=_("Units a day at most"), required=False, min_value=1)
    yearly_unit_cap = forms.IntegerField(
        label=_("Units a year at most"), required=False, min_value=1
    )
    year_starts = forms.CharField(
        label=_("The year starts on (MM-DD)"), max_length=5, help_text=_("07-01 for a fiscal year.")
    )
    authorization = forms.ChoiceField(
        label=_("Prior authorization"),
        choices=[
            ("none", _("Not needed")),
            ("always", _("Needed for every service")),
            ("after_units", _("Needed past a number of units a year")),
        ],
    )
    authorization_after_units = forms.IntegerField(
        label=_("Units a year without prior authorization"), required=False, min_value=1
    )
    group_size_max = forms.IntegerField(
        label=_("People in a group per peer, at most"), required=False, min_value=1
    )
    service_order_required = forms.BooleanField(
        label=_("A signed service order is needed on or before the day of service"), required=False
    )
    diagnosis_required = forms.BooleanField(
        label=_("A diagnosis the payer accepts is needed"), required=False
    )
    diagnosis_prefixes = forms.CharField(
        label=_("Diagnoses the payer accepts (ICD-10 codes or their beginnings)"),
        required=False,
        help_text=_("For example: F10, F11, F12. Empty: any."),
    )
    default_diagnosis = forms.CharField(
        label=_("Diagnosis to use when none is recorded"),
        required=False,
        max_length=8,
        help_text=_("Only when the payer allows it; leave empty to list such services as refused."),
    )
    plan_link_required = forms.BooleanField(
        label=_("Each service must be linked to the recovery plan"), required=False
    )
    minimum_age = forms.IntegerField(label=_("Minimum age"), required=False, min_value=1)
    not_billable = forms.MultipleChoiceField(
        label=_("Not billable"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("outreach", _("Outreach (encounters logged as outreach)")),
            ("transport", _("Transport (encounters about transportation)")),
            ("paperwork", _("Paperwork")),
        ],
    )
    place_of_service = forms.CharField(
        label=_("Place of service codes"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One a line, a setting and its code: default=99, home=12, telehealth=02. Settings: "
            "%(keys)s."
        )
        % {"keys": ", ".join(PLACE_KEYS)},
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    @classmethod
    def initial_from(cls, rules: dict[str, Any]) -> dict[str, Any]:
        initial = {k: v for k, v in rules.items() if k in cls.base_fields}
        for key in ("individual_modifiers", "group_modifiers", "diagnosis_prefixes"):
            initial[key] = _words(rules.get(key))
        initial["not_billable"] = [e["what"] for e in rules.get("not_billable") or []]
        initial["place_of_service"] = "\n".join(
            f"{k}={v}" for k, v in (rules.get("place_of_service") or {}).items()
        )
        return initial

    def rules(self, previous: dict[str, Any] | None = None) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("is_active", None)
        kept = {e["what"]: e for e in (previous or {}).get("not_billable") or []}
        data["not_billable"] = [
            kept.get(what) or {"what": what, **EXCLUSION_MATCHES[what]}
            for what in data["not_billable"]
        ]
        places = {}
        for line in (data.get("place_of_service") or "").splitlines():
            if line.strip():
                key, _sep, code = line.partition("=")
                places[key.strip()] = code.strip()
        data["place_of_service"] = places
        return data


class DiagnosisForm(BillingForm):
    code = forms.CharField(
        label=_("ICD-10-CM code"), max_length=8, help_text=_("For example: F11.20")
    )
    description = forms.CharField(label=_("What it is"), max_length=200, required=False)


class ServiceOrderForm(BillingForm):
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    signed_by = forms.CharField(label=_("Signed by"), max_length=150)
    ends_on = forms.DateField(label=_("Valid until"), widget=DateInput(), required=False)


class AuthorizationForm(BillingForm):
    number = forms.CharField(label=_("Authorization number"), max_length=50)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("To"), widget=DateInput())
    units = forms.IntegerField(label=_("Units approved"), required=False, min_value=1)
