from collections.abc import Iterable, Mapping

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
