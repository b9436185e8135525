from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.consents.models import ConsentKind, ExpiryKind, SignatureMethod
from beacon.consents.services import MESSAGES
from beacon.core.forms import DateInput

# Room for several recipients on one screen; "Add another recipient" adds rows without JavaScript.
RECIPIENT_ROWS = 3
MAX_RECIPIENTS = 30


class ConsentForm(forms.Form):
    """What the person signing agreed to. The rules (2.31 elements, kind-specific expiry and
    recipients) live in services.consent_record; this form only collects and keeps what was
    typed."""

    kind = forms.ChoiceField(
        label=_("Kind of consent"),
        choices=ConsentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": MESSAGES["kind"], "invalid_choice": MESSAGES["kind"]},
    )
    information_description = forms.CharField(
        label=_("What information may be shared"),
        help_text=_("Be specific: for example, dates of attendance and progress in peer support."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": MESSAGES["information_description"]},
    )
    purpose = forms.CharField(
        label=_("Why it may be shared"),
        help_text=_("For example: to coordinate care with the clinic."),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": MESSAGES["purpose"]},
    )
    discloser = forms.CharField(
        label=_("Who may share it"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for this organization."),
    )
    expiry_kind = forms.ChoiceField(
        label=_("When this consent ends"),
        choices=ExpiryKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "At the end of services and no end date are only for treatment, payment and health "
            "care operations."
        ),
        error_messages={
            "required": MESSAGES["expiry_kind"],
            "invalid_choice": MESSAGES["expiry_kind"],
        },
    )
    expires_on = forms.DateField(
        label=_("Last day the consent is valid"),
        required=False,
        widget=DateInput(),
        help_text=_("Only when it ends on a date."),
    )
    expiry_event = forms.CharField(
        label=_("The event that ends it"),
        max_length=200,
        required=False,
        help_text=_("Only when it ends with an event. For example: when my probation ends."),
    )
    revocation_instructions = forms.CharField(
        label=_("How to revoke it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty for our standard wording, written in plain words."),
    )
    signed_name = forms.CharField(
        label=_("Signature: the signer types their full name"),
        max_length=200,
        error_messages={"required": MESSAGES["signed_name"]},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    signed_on = forms.DateField(
        label=_("Date signed"),
        widget=DateInput(),
        error_messages={"required": MESSAGES["signed_on"]},
    )
    signer_relationship = forms.CharField(
        label=_("Signer, if not the participant"),
        max_length=100,
        required=False,
        help_text=_(
            "For example: parent or legal guardian. Leave empty when the participant signs."
        ),
    )
    signature_method = forms.ChoiceField(
        label=_("How it was signed"),
        choices=SignatureMethod.choices,
        widget=forms.RadioSelect,
        initial=SignatureMethod.IN_PERSON,
        help_text=_(
            "Whether the signer typed their name here, with you, or on their own phone or "
            "computer (for example during a video call)."
        ),
        error_messages={
            "required": MESSAGES["signature_method"],
            "invalid_choice": MESSAGES["signature_method"],
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = timezone.localdate

    def values(self) -> dict:
        """Everything the service needs from this form, blanks for what did not parse."""
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields}


class RecipientForm(forms.Form):
    # Required, yet a row left completely empty is fine: the formset's spare rows may stay empty.
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": MESSAGES["recipient_row_name"]},
    )
    description = forms.CharField(
        label=_("Role or organization"),
        max_length=200,
        required=False,
        help_text=_("For example: primary care clinic, probation officer."),
    )
    # A recipient chosen from the resource directory (issue 15): the consent then names that
    # directory organization (all its services) or service, matched by this link, not by name.
    directory_organization = forms.UUIDField(required=False, widget=forms.HiddenInput)
    directory_service = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.from_directory:
            # The entry's name is what the consent names (the service sets it): not retyped.
            self.fields["name"].widget.attrs["readonly"] = True
            self.fields["name"].help_text = _("Chosen from the resource directory.")

    @property
    def from_directory(self) -> bool:
        return bool(self["directory_organization"].value() or self["directory_service"].value())

    def values(self) -> dict:
        data = getattr(self, "cleaned_data", {})
        return {
            "name": data.get("name", ""),
            "description": data.get("description", ""),
            "directory_organization": data.get("directory_organization"),
            "directory_service": data.get("directory_service"),
        }


RecipientFormSet = forms.formset_factory(
    RecipientForm, extra=RECIPIENT_ROWS, max_num=MAX_RECIPIENTS, absolute_max=MAX_RECIPIENTS
)


KnownRecipientFormSet = forms.formset_factory(
    RecipientForm, extra=0, max_num=MAX_RECIPIENTS, absolute_max=MAX_RECIPIENTS
)


def recipient_formset(data=None, *, add_row: bool = False, initial=None):
    """The recipient rows; with `add_row`, the same rows as typed plus one more empty row;
    `initial`: rows filled in beforehand (a recipient already known, such as a referral's)."""
    if data is not None and add_row:
        data = data.copy()
        key = "recipients-TOTAL_FORMS"
        try:
            total = int(data.get(key, RECIPIENT_ROWS))
        except ValueError:
            total = RECIPIENT_ROWS
        data[key] = str(min(total + 1, MAX_RECIPIENTS))
    if initial and data is None:
        # Rows known beforehand, and no spare ones: "Add another recipient" adds a row.
        return KnownRecipientFormSet(prefix="recipients", initial=initial)
    return RecipientFormSet(data, prefix="recipients", initial=initial)


def recipient_values(formset) -> list[dict]:
    """Every row as the service takes it, empty ones too: the service skips those but names
    rows by their position."""
    return [row.values() for row in formset.forms]


def show_consent_errors(form, formset, errors, *, only_new: bool = False) -> list[str]:
    """Put each of consent_record's messages beside what it is about (with `only_new`, only
    where the form itself found nothing yet); answers the messages about the recipients as a
    whole. For pages other than consents' own that record a consent (a referral's "record the
    consent now")."""
    from django.core.exceptions import ValidationError

    recipient_errors: list[str] = []
    if not isinstance(errors, ValidationError) or not hasattr(errors, "error_dict"):
        form.add_error(None, errors)
        return recipient_errors
    rows = formset.forms
    for field, problems in errors.error_dict.items():
        texts = [m for e in problems for m in e.messages]
        if field == "recipients":
            recipient_errors += texts
        elif field.startswith("recipients."):
            _prefix, index, name = field.split(".", 2)
            row = rows[int(index)] if int(index) < len(rows) else None
            if row is None or name not in row.fields:
                recipient_errors += texts
            elif not (only_new and name in row.errors):
                row.add_error(name, texts)
        elif field not in form.fields:
            form.add_error(None, texts)
        elif not (only_new and field in form.errors):
            form.add_error(field, texts)
    return recipient_errors


class RevokeForm(forms.Form):
    note = forms.CharField(
        label=_("How they asked to revoke it"),
        max_length=300,
        required=False,
        help_text=_("For example: signed note given to their peer specialist today."),
    )
