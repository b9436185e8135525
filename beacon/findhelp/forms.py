from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from beacon.core.search import SearchField
from beacon.findhelp import selectors
from beacon.findhelp.models import ProblemKind

ZIP_RE = r"^\d{5}$"


class SearchForm(forms.Form):
    """The Find Help search: a plain GET form, so it works without JavaScript."""

    q = SearchField(label=_("What are you looking for?"))
    zip = forms.RegexField(
        label=_("ZIP code"),
        regex=ZIP_RE,
        required=False,
        error_messages={"invalid": _("Enter a 5-digit ZIP code, like 01602.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    miles = forms.TypedChoiceField(
        label=_("Within"),
        coerce=int,
        required=False,
        empty_value=selectors.DEFAULT_MILES,
        choices=[(m, _("%(miles)s miles") % {"miles": m}) for m in selectors.MILES_CHOICES],
        initial=selectors.DEFAULT_MILES,
    )
    service_type = forms.ChoiceField(label=_("Type of help"), required=False)
    payment = forms.ChoiceField(
        label=_("Payment"),
        required=False,
        choices=[("", _("Any"))] + [(k, v[0]) for k, v in selectors.PAYMENTS.items()],
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    population = forms.ChoiceField(
        label=_("Who it is for"),
        required=False,
        choices=[("", _("Anyone")), *list(selectors.POPULATIONS.items())],
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    same_day = forms.BooleanField(label=_("Same-day intake"), required=False)
    moud = forms.BooleanField(
        label=_("Offers medication for opioid use disorder (MOUD)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get("miles"):
            # A search that named no distance searched the default one, and the form shows it:
            # otherwise the browser shows the first choice (1 mile), and searching again from
            # the page would narrow to it unasked.
            self.data = self.data.copy()
            self.data["miles"] = str(selectors.DEFAULT_MILES)
        self.fields["service_type"].choices = [
            ("", _("Any")),
            *list(selectors.service_type_choices()),
        ]
        self.fields["language"].choices = [("", _("Any"))] + [
            (name, name) for name in selectors.language_choices()
        ]

    FILTERS = ("miles", "service_type", "payment", "language", "population")
    FILTERS += ("open_now", "same_day", "moud")

    def active_filters(self) -> int:
        """How many filters narrow the search as asked (the distance when it is not the
        default), for the "Filters (2 active)" button that folds them on a phone."""
        if not self.is_bound:
            return 0
        default_miles = str(selectors.DEFAULT_MILES)
        return sum(
            1
            for name in self.FILTERS
            if self.data.get(name) not in (None, "")
            and not (name == "miles" and self.data.get(name) == default_miles)
        )

    def filter_errors(self) -> bool:
        return any(self.errors.get(name) for name in self.FILTERS)

    def search_query(self) -> selectors.SearchQuery:
        data = self.cleaned_data
        return selectors.SearchQuery(
            words=data.get("q") or "",
            zip_code=data.get("zip") or "",
            miles=data.get("miles") or selectors.DEFAULT_MILES,
            service_type=data.get("service_type") or "",
            payment=data.get("payment") or "",
            language=data.get("language") or "",
            population=data.get("population") or "",
            open_now=bool(data.get("open_now")),
            same_day=bool(data.get("same_day")),
            moud=bool(data.get("moud")),
        )


# Spam protection for the public forms --------------------------------------------------------

_SALT = "beacon.findhelp.form-started"


def min_fill_seconds() -> float:
    return getattr(settings, "BEACON_FINDHELP_MIN_FILL_SECONDS", 3)


class SpamCheckedForm(forms.Form):
    """A honeypot field people never see, and a signed time the form was shown: a form sent
    faster than a person could fill it in is refused, keeping everything typed."""

    # People never see this field (hidden by CSS, skipped by keyboard and screen readers).
    homepage = forms.CharField(required=False, label=_("Leave this empty"))
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["homepage"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial["started"] = signing.dumps(time.time(), salt=_SALT)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("homepage"):
            raise forms.ValidationError(
                _(
                    "This form could not be sent. If you are a person, leave the field "
                    "labelled \u201cLeave this empty\u201d empty and send it again."
                ),
                code="honeypot",
            )
        try:
            started = float(signing.loads(cleaned.get("started") or "", salt=_SALT, max_age=86400))
        except (signing.BadSignature, TypeError, ValueError):
            self.data = self.data.copy()
            self.data["started"] = signing.dumps(time.time(), salt=_SALT)
            raise forms.ValidationError(
                _("This form was open too long. Please check it and send it again."),
                code="expired",
            ) from None
        if time.time() - started < min_fill_seconds():
            raise forms.ValidationError(
                _(
                    "That was quicker than a person can fill in this form. Please wait a few "
                    "seconds, check what you wrote, and send it again."
                ),
                code="too_fast",
            )
        return cleaned


class ProblemReportForm(SpamCheckedForm):
    kind = forms.ChoiceField(
        label=_("What is wrong?"), choices=ProblemKind.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Anything else we should know?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Please don't include your name or health information."),
    )


class SubmissionForm(SpamCheckedForm):
    name = forms.CharField(label=_("Organization name"), max_length=200)
    services_description = forms.CharField(
        label=_("What services do you offer, and to whom?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    address = forms.CharField(label=_("Street address"), required=False, max_length=200)
    city = forms.CharField(label=_("City or town"), required=False, max_length=100)
    state = forms.CharField(label=_("State"), required=False, max_length=2)
    postal_code = forms.RegexField(
        label=_("ZIP code"),
        regex=ZIP_RE,
        required=False,
        error_messages={"invalid": _("Enter a 5-digit ZIP code, like 01602.")},
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    contact_email = forms.EmailField(
        label=_("Email for questions about this entry"),
        help_text=_("We only use it to check the information with you. It is not published."),
    )

    def submission_values(self) -> dict:
        fields = ("name", "services_description", "address", "city", "state", "postal_code")
        fields += ("phone", "website", "contact_email")
        values = {f: self.cleaned_data.get(f) or "" for f in fields}
        values["state"] = values["state"].upper()
        return values


class SynonymForm(forms.Form):
    """One synonym: what people say, and what the directory calls it (services.synonym_save
    folds and checks them; its errors come back beside the fields)."""

    phrase = forms.CharField(
        label=_("What people say"),
        max_length=100,
        help_text=_("A word or a few words, as people type them: suboxone, sober house, AA."),
    )
    means = forms.CharField(
        label=_("What the directory calls it"),
        max_length=200,
        help_text=_("The words services use for it: buprenorphine, recovery residence."),
    )
