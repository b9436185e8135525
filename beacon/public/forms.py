from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beacon.findhelp.forms import SearchForm
from beacon.public import screening
from beacon.public.screening import Sex


class FindHelpBox(forms.Form):
    """Find Help's search box on the home page: the same two fields, sent by GET to
    /find-help/ (the rest of Find Help's form reads the database for its choices)."""

    q = SearchForm.base_fields["q"]
    zip = SearchForm.base_fields["zip"]


# The drug screen's answer: a count, offered as three choices; only 0 or 1 or more matters.
DRUG_TIMES = {"0": 0, "1": 1, "2": 2}


def _choices(options) -> list[tuple[str, str]]:
    return [(str(value), label) for value, label in options]


class SelfCheckForm(forms.Form):
    """The self-check's questions. Nothing is kept: the form is read, scored and forgotten."""

    use_required_attribute = False  # errors come from the server, worded kindly, all at once

    frequency = forms.TypedChoiceField(
        label=screening.AUDITC_QUESTIONS[0][0],
        choices=_choices(screening.AUDITC_QUESTIONS[0][1]),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how often you have a drink, or \u201cNever\u201d.")},
    )
    typical = forms.TypedChoiceField(
        label=screening.AUDITC_QUESTIONS[1][0],
        choices=_choices(screening.AUDITC_QUESTIONS[1][1]),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    heavy = forms.TypedChoiceField(
        label=screening.AUDITC_QUESTIONS[2][0],
        choices=_choices(screening.AUDITC_QUESTIONS[2][1]),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    sex = forms.ChoiceField(
        label=_(
            "The alcohol questions are scored a little differently for men and women. "
            "Which fits you?"
        ),
        choices=[
            (Sex.MAN, _("A man")),
            (Sex.WOMAN, _("A woman")),
            (Sex.UNSAID, _("Another answer, or I\u2019d rather not say")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    drugs = forms.ChoiceField(
        label=screening.DRUG_QUESTION,
        help_text=screening.DRUG_QUESTION_NOTE,
        choices=[
            ("0", _("None (0 times)")),
            ("1", _("1 time")),
            ("2", _("2 or more times")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how many times, or \u201cNone\u201d.")},
    )

    # Questions 2 and 3 are for people who drink: shown as needed when question 1 is not Never.
    typical.required_when = _("skip if you never drink")
    heavy.required_when = _("skip if you never drink")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("frequency") not in (None, 0):
            if cleaned.get("typical") is None:
                self.add_error(
                    "typical",
                    _("Choose how many drinks you have on a typical day when you drink."),
                )
            if cleaned.get("heavy") is None:
                self.add_error(
                    "heavy",
                    _("Choose how often you have six or more drinks, or \u201cNever\u201d."),
                )
        return cleaned

    def result(self) -> screening.SelfCheckResult:
        data = self.cleaned_data
        return screening.self_check_result(
            auditc=(data["frequency"], data.get("typical"), data.get("heavy")),
            sex=data.get("sex") or Sex.UNSAID,
            drug_times=DRUG_TIMES[data["drugs"]],
        )
