import contextlib

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.forms import AccessibleErrorsMixin, DateInput, add_problems
from beacon.plans.models import DEFAULT_CRISIS_LINES, Area, Domain, GoalStatus
from beacon.plans.services import (
    MAX_PEOPLE_TO_CALL,
    TEXT_LIMIT,
    plan_review_problems,
    progress_note_problems,
)

DATE_ERROR = {"invalid": _("Enter a date, such as 2026-03-31.")}


def _text(label, *, rows=4, help_text="", required=False, max_length=TEXT_LIMIT):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _readable(form: forms.Form, data: dict, fields) -> dict:
    """The fields' values the form could read (no error of their own)."""
    return {f: data[f] for f in fields if data.get(f) is not None and f not in form.errors}


class PlanForm(AccessibleErrorsMixin, forms.Form):
    recovery_means = _text(
        _("What recovery means to me"),
        rows=5,
        help_text=_("In the participant's own words: write what they say, as they say it."),
    )
    strengths = _text(_("Strengths"), help_text=_("What they are good at, who and what they have."))
    needs = _text(_("Needs"))
    barriers = _text(_("Barriers"), help_text=_("What stands in the way, in their words."))

    FIELDS = ("recovery_means", "strengths", "needs", "barriers")

    def values(self) -> dict:
        return {f: self.cleaned_data.get(f, "") for f in self.FIELDS}


class PlanEditForm(PlanForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class GoalForm(AccessibleErrorsMixin, forms.Form):
    description = _text(
        _("Goal"),
        rows=3,
        required=True,
        help_text=_("In the participant's own words, as they would say it."),
    )
    domain = forms.ChoiceField(
        label=_("Dimension of recovery"),
        choices=Domain.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the four dimensions.")},
    )
    area = forms.ChoiceField(
        label=_("Area of life"),
        choices=[("", _("Choose an area")), *Area.choices],
        error_messages={"required": _("Choose an area of life.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=GoalStatus.choices,
        widget=forms.RadioSelect,
        initial=GoalStatus.NOT_STARTED,
        error_messages={"required": _("Choose a status.")},
    )
    target_date = forms.DateField(
        label=_("Target date"), required=False, widget=DateInput, error_messages=DATE_ERROR
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].error_messages["required"] = _(
            "Write the goal, in the participant's words."
        )

    def values(self) -> dict:
        return {
            f: self.cleaned_data.get(f)
            for f in ("description", "domain", "area", "status", "target_date")
        }


class GoalEditForm(GoalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class StepForm(AccessibleErrorsMixin, forms.Form):
    what = forms.CharField(
        label=_("What"),
        max_length=300,
        error_messages={"required": _("Write what will be done.")},
    )
    who = forms.CharField(
        label=_("Who"),
        max_length=100,
        help_text=_("For example: Jordan; Pat; Jordan with Pat."),
        error_messages={"required": _("Write who will do it.")},
    )
    due_on = forms.DateField(
        label=_("By when"), required=False, widget=DateInput, error_messages=DATE_ERROR
    )

    def values(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in ("what", "who", "due_on")}


class ProgressNoteForm(AccessibleErrorsMixin, forms.Form):
    text = _text(
        _("Progress"),
        rows=4,
        required=True,
        help_text=_("What moved, in the participant's terms where you can."),
    )
    noted_on = forms.DateField(
        label=_("Date"), widget=DateInput, error_messages=DATE_ERROR, initial=timezone.localdate
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = _("Write what progress there was.")
        self.fields["noted_on"].error_messages["required"] = _("Enter the date.")

    def clean(self):
        data = super().clean()
        # A date in the future with the other errors, all at once (issue 15).
        add_problems(self, progress_note_problems(**_readable(self, data, ("text", "noted_on"))))
        return data


class ReviewForm(AccessibleErrorsMixin, forms.Form):
    what_changed = _text(
        _("What changed since the last review"),
        rows=5,
        required=True,
        help_text=_("Goals reached or set aside, new goals, what is different in their life."),
    )
    reviewed_on = forms.DateField(
        label=_("Reviewed on"),
        widget=DateInput,
        error_messages=DATE_ERROR,
        initial=timezone.localdate,
    )
    participant_agreement_name = forms.CharField(
        label=_("Participant's agreement: their name, typed"),
        max_length=200,
        help_text=_(
            "The participant types their name (or you type it with them) to agree with the "
            "plan as reviewed."
        ),
    )
    participant_agreement_on = forms.DateField(
        label=_("Date they agreed"),
        widget=DateInput,
        error_messages=DATE_ERROR,
        initial=timezone.localdate,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what_changed"].error_messages["required"] = _(
            "Write what changed since the last review, even if it is “nothing”."
        )
        self.fields["participant_agreement_name"].error_messages["required"] = _(
            "Type the participant's name to show they agree."
        )
        self.fields["participant_agreement_on"].error_messages["required"] = _(
            "Enter the date the participant agreed."
        )
        self.fields["reviewed_on"].error_messages["required"] = _("Enter the date of the review.")

    def clean(self):
        data = super().clean()
        # Dates in the future with the other errors, all at once (issue 15).
        add_problems(self, plan_review_problems(**_readable(self, data, self.VALUES)))
        return data

    VALUES = (
        "what_changed",
        "reviewed_on",
        "participant_agreement_name",
        "participant_agreement_on",
    )

    def values(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in self.VALUES}


class WellnessPlanForm(AccessibleErrorsMixin, forms.Form):
    """The wellness plan, with as many "people to call" rows as were filled in plus two empty
    ones (up to the one-page limit)."""

    triggers = _text(
        _("My triggers"),
        help_text=_("People, places, feelings or times that make using more likely."),
    )
    warning_signs = _text(
        _("My early warning signs"),
        help_text=_("What I or others notice first when things start to slide."),
    )
    coping_strategies = _text(_("Coping strategies that work for me"))
    safe_places = _text(_("Safe places I can go"), rows=3)
    reasons_for_recovery = _text(_("My reasons for recovery"), rows=3)
    crisis_help = _text(
        _("What helps me in a crisis"),
        rows=3,
        help_text=_("What others can do, and what they should not do."),
    )
    crisis_lines = _text(
        _("Crisis lines"),
        rows=3,
        help_text=_("Printed on the plan. Left empty, it says 988 and 911."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    people_rows = forms.IntegerField(widget=forms.HiddenInput, required=False)

    TEXT_FIELDS = (
        "triggers",
        "warning_signs",
        "coping_strategies",
        "safe_places",
        "reasons_for_recovery",
        "crisis_help",
        "crisis_lines",
    )

    def __init__(self, *args, people_rows: int = 3, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            with contextlib.suppress(ValueError):
                people_rows = int(self.data.get("people_rows") or people_rows)
        self.row_count = max(1, min(people_rows, MAX_PEOPLE_TO_CALL + 1))
        self.initial.setdefault("people_rows", self.row_count)
        for i in range(self.row_count):
            self.fields[f"person_{i}_name"] = forms.CharField(
                label=_("Name"), required=False, max_length=100
            )
            self.fields[f"person_{i}_phone"] = forms.CharField(
                label=_("Phone"),
                required=False,
                max_length=40,
                widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
            )

    @classmethod
    def for_plan(cls, wellness_plan, **kwargs):
        if wellness_plan is None:
            return cls(initial={"crisis_lines": DEFAULT_CRISIS_LINES}, people_rows=3, **kwargs)
        people = wellness_plan.people_to_call or []
        initial = {f: getattr(wellness_plan, f) for f in cls.TEXT_FIELDS}
        initial["version"] = wellness_plan.version
        for i, person in enumerate(people):
            initial[f"person_{i}_name"] = person.get("name", "")
            initial[f"person_{i}_phone"] = person.get("phone", "")
        return cls(initial=initial, people_rows=min(len(people) + 2, MAX_PEOPLE_TO_CALL), **kwargs)

    @property
    def people(self):
        """(name field, phone field) per row, for the template."""
        return [
            (self[f"person_{i}_name"], self[f"person_{i}_phone"]) for i in range(self.row_count)
        ]

    def values(self) -> dict:
        data = self.cleaned_data
        values = {f: data.get(f, "") for f in self.TEXT_FIELDS}
        values["people_to_call"] = [
            {"name": data.get(f"person_{i}_name", ""), "phone": data.get(f"person_{i}_phone", "")}
            for i in range(self.row_count)
        ]
        return values
