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
