from collections.abc import Iterable, Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.forms import Form


def apply_validation_error(form: Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, beside the field it names when the form
    has that field, so nothing the person typed is lost."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def add_problems(form: Form, problems: Mapping[str, Iterable[str]]) -> None:
    """Show the problems a service names in a form's values (its `<entity>_problems()`, the
    rules it enforces when saving) beside the fields that have no error of their own yet.

    Called from a form's clean(), it reports every error at once: before, a rule of the service
    (a follow-up before the encounter, a date in the future) was only checked once the form
    itself was valid, so it showed up after the other errors were fixed (issue 15)."""
    for field, messages in problems.items():
        name = field if field in form.fields else None
        if name is not None and name in form.errors:
            continue
        for message in messages:
            form.add_error(name, message)


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker; its value is ISO 8601 whatever the language."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    """The browser's date picker; its value is ISO 8601 whatever the language (a locale's
    DATE_INPUT_FORMATS would write 07/12/2026, which <input type="date"> cannot read)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AccessibleErrorsMixin:
    """Link each field's error message to its input (aria-describedby, aria-invalid), so a
    screen reader reads the problem with the field. Ids match includes/field.html."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                attrs = self.fields[name].widget.attrs
                described = [attrs.get("aria-describedby", ""), f"{bound.auto_id}_error"]
                attrs["aria-describedby"] = " ".join(d for d in described if d)
                attrs["aria-invalid"] = "true"
