"""Forms collect and keep what was entered; the rules (and their messages) live in services.py
and instruments.py, so a page and the API say the same words."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.assessments.instruments import (
    BARC10_ITEM_NUMBERS,
    BARC10_SCALE,
    barc10_item_message,
    barc10_item_text,
)
from beacon.assessments.models import ItemKind, QuestionnaireVersion
from beacon.assessments.services import MAX_ITEMS, stage_choices
from beacon.core.forms import DateInput


def _day_field(label):
    return forms.DateField(
        label=label,
        widget=DateInput(),
        initial=timezone.localdate,
        error_messages={"required": _("Give the date."), "invalid": _("Give a real date.")},
    )


def _notes_field():
    return forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Anything the participant wanted noted. Not needed."),
    )


def item_field_name(number: int) -> str:
    return f"item_{number}"


class Barc10Form(forms.Form):
    """Ten radio groups of six, each labelled by the item's published words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, f"{n} · {label}") for n, label in BARC10_SCALE.items()]
        for number in BARC10_ITEM_NUMBERS:
            message = barc10_item_message(number)
            # Every message names the item, in the same words as the service and the API.
            self.fields[item_field_name(number)] = forms.TypedChoiceField(
                label=f"{number}. {barc10_item_text(number)}",
                choices=choices,
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages={"required": message, "invalid_choice": message},
            )
        self.fields["administered_on"] = _day_field(_("Date of the assessment"))
        self.fields["notes"] = _notes_field()

    def item_fields(self):
        return [self[item_field_name(n)] for n in BARC10_ITEM_NUMBERS]

    def answers(self) -> dict[str, int | None]:
        data = getattr(self, "cleaned_data", {})
        return {str(n): data.get(item_field_name(n)) for n in BARC10_ITEM_NUMBERS}


class StageForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Which stage fits best right now?"),
        choices=stage_choices,
        widget=forms.RadioSelect,
        help_text=_("In the participant's own view. Any stage is a fine place to start from."),
        error_messages={
            "required": _("Choose one of the five stages of change."),
            "invalid_choice": _("Choose one of the five stages of change."),
        },
    )
    administered_on = _day_field(_("Date"))
    notes = _notes_field()


def answer_field_name(key: str) -> str:
    return f"answer_{key}"


YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No"))]


class QuestionnaireFillForm(forms.Form):
    """The questions of one published version, in its order."""

    version = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, version: QuestionnaireVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["version"].initial = version.pk
        for item in version.items:
            name, label = answer_field_name(item["key"]), item["text"]
            required = bool(item.get("required"))
            kind = item["kind"]
            if kind == ItemKind.CHOICE:
                field = forms.ChoiceField(
                    choices=[(c, c) for c in item["choices"]], widget=forms.RadioSelect
                )
            elif kind == ItemKind.YES_NO:
                field = forms.ChoiceField(choices=YES_NO_CHOICES, widget=forms.RadioSelect)
            elif kind == ItemKind.NUMBER:
                field = forms.CharField(
                    max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"})
                )
                low, high = item.get("min"), item.get("max")
                if low is not None and high is not None:
                    field.help_text = _("A number from %(low)s to %(high)s.") % {
                        "low": low,
                        "high": high,
                    }
            else:
                field = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
            field.required = required
            field.label = label
            # The same words the service (and so the API) uses.
            field.error_messages["required"] = _("%(text)s needs an answer.") % {"text": label}
            self.fields[name] = field
        self.fields["administered_on"] = _day_field(_("Date"))
        self.fields["notes"] = _notes_field()

    def answer_fields(self):
        return [self[answer_field_name(item["key"])] for item in self.version.items]

    def answers(self) -> dict:
        data = getattr(self, "cleaned_data", {})
        return {
            item["key"]: data.get(answer_field_name(item["key"])) for item in self.version.items
        }


class QuestionnaireForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("As staff will see it, for example: Monthly wellbeing check-in."),
        error_messages={"required": _("Give the questionnaire a name.")},
    )
    description = forms.CharField(
        label=_("What it is for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ItemForm(forms.Form):
    key = forms.CharField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Question"),
        max_length=500,
        error_messages={"required": _("Write the question, or tick “Remove this question”.")},
    )
    # The initial kind is what an untouched spare row posts, so the row counts as empty.
    kind = forms.ChoiceField(
        label=_("Kind of answer"), choices=ItemKind.choices, initial=ItemKind.TEXT
    )
    choices = forms.CharField(
        label=_("Choices, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for one choice from a list."),
    )
    min = forms.CharField(
        label=_("Lowest number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Only for a number; may stay empty."),
    )
    max = forms.CharField(
        label=_("Highest number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Only for a number; may stay empty."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)

    def item(self) -> dict:
        data = self.cleaned_data
        return {
            "key": data.get("key") or "",
            "text": data.get("text") or "",
            "kind": data.get("kind") or "",
            "choices": data.get("choices") or "",
            "min": data.get("min") or None,
            "max": data.get("max") or None,
            "required": bool(data.get("required")),
        }


ItemFormSet = forms.formset_factory(
    ItemForm,
    extra=1,
    can_order=True,
    can_delete=True,
    max_num=MAX_ITEMS,
    absolute_max=MAX_ITEMS,
)


def item_initial(items: list[dict]) -> list[dict]:
    return [
        {
            "key": i["key"],
            "text": i["text"],
            "kind": i["kind"],
            "choices": "\n".join(i.get("choices") or []),
            "min": "" if i.get("min") is None else i["min"],
            "max": "" if i.get("max") is None else i["max"],
            "required": i.get("required", False),
        }
        for i in items
    ]


def item_formset(data=None, *, items: list[dict] | None = None, add_row: bool = False):
    """The question rows (with their order and a remove box); with `add_row`, the rows as
    typed plus one more empty one."""
    if data is not None and add_row:
        data = data.copy()
        key = "items-TOTAL_FORMS"
        try:
            total = int(data.get(key, 1))
        except ValueError:
            total = 1
        data[key] = str(min(total + 1, MAX_ITEMS))
    return ItemFormSet(data, initial=item_initial(items or []), prefix="items")


def ordered_item_forms(formset) -> list:
    """The rows to keep, in the order asked for (ORDER), without removed and untouched
    empty rows. The formset must be valid."""
    return list(formset.ordered_forms)
