"""Forms of the reports pages: the outcomes filters and logging community work. Validation of
the rules is the services'; these keep what was typed and show problems beside the fields."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.forms import AccessibleErrorsMixin, DateInput
from beacon.reports.models import ActivityKind
from beacon.reports.selectors import OutcomeFilters, Period

MAX_DAYS = 3 * 366


class OutcomeFilterForm(AccessibleErrorsMixin, forms.Form):
    """GET filters: a period (from, to) or one month, a peer, a population."""

    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)
    month = forms.CharField(
        label=_("Or one month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-05"}),
        help_text=_("Year and month, like 2026-05. It replaces From and To."),
    )
    peer = forms.TypedChoiceField(label=_("Peer"), required=False, empty_value=None)
    population = forms.TypedChoiceField(
        label=_("Priority population"), required=False, empty_value=None
    )

    def __init__(self, *args, peers=(), populations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["peer"].choices = [("", _("Everyone"))] + [(str(k), n) for k, n in peers]
        self.fields["population"].choices = [("", _("Everyone"))] + [
            (str(k), n) for k, n in populations
        ]
        self.peer_names = {str(k): n for k, n in peers}
        self.population_names = {str(k): n for k, n in populations}

    def clean_month(self):
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-"))
            return Period.month(year, month)
        except (ValueError, TypeError):
            raise forms.ValidationError(
                _("Write the month as year and month, like 2026-05.")
            ) from None

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if data.get("month") is None and start and end:
            if end < start:
                self.add_error("end", _("“To” is before “From”. Choose a later date."))
            elif (end - start).days > MAX_DAYS:
                self.add_error("end", _("Choose a period of three years or less."))
        return data

    def filters(self) -> OutcomeFilters:
        """The filters asked for (a form with errors falls back to the last 12 months)."""
        data = self.cleaned_data if self.is_valid() else {}
        period = data.get("month")
        if period is None:
            default = Period.last_year()
            start = data.get("start") or (
                data["end"] - datetime.timedelta(days=364) if data.get("end") else default.start
            )
            end = data.get("end") or max(timezone.localdate(), start)
            period = Period(start, end)
        return OutcomeFilters(
            period=period,
            peer=data.get("peer") or None,
            population=data.get("population") or None,
        )

    def describe(self, filters: OutcomeFilters) -> str:
        return filters.describe(
            peer_name=self.peer_names.get(str(filters.peer), "") if filters.peer else "",
            population_name=(
                self.population_names.get(str(filters.population), "") if filters.population else ""
            ),
        )


class CommunityActivityForm(AccessibleErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("What did you do?"), choices=ActivityKind.choices, widget=forms.RadioSelect
    )
    on = forms.DateField(label=_("When"), widget=DateInput, initial=timezone.localdate)
    minutes = forms.IntegerField(
        label=_("How long (minutes)"),
        min_value=1,
        max_value=24 * 60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "list": "minute-choices"}),
    )
    people_reached = forms.IntegerField(
        label=_("People reached"),
        min_value=0,
        max_value=100_000,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("About how many people you spoke with or trained."),
    )
    naloxone_kits = forms.IntegerField(
        label=_("Naloxone kits given"),
        min_value=0,
        max_value=10_000,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    where = forms.CharField(label=_("Where"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What it was. Never a participant's name."),
    )

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["people_reached"] = data.get("people_reached") or 0
        data["naloxone_kits"] = data.get("naloxone_kits") or 0
        return data
