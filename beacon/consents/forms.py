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
    # Words to find the recipient in the directory by ("Find in the directory"); only a search,
    # never part of the consent.
    find = forms.CharField(
        label=_("Find in the directory"),
        max_length=200,
        required=False,
        help_text=_("Name, organization or town."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.from_directory:
            # The entry's name is what the consent names (the service sets it): not retyped.
            self.fields["name"].widget.attrs["readonly"] = True
            self.fields["name"].help_text = _("Chosen from the resource directory.")

    # Set by consent_forms() for the round that searched this row: the entries found, a
    # sentence about them, and what to focus when the page comes back.
    directory_matches = None
    find_message = ""
    focus = ""

    def has_changed(self) -> bool:
        # Words only searched for name no one: a spare row with a search in it is still empty.
        return any(name != "find" for name in self.changed_data)

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


# The buttons that change the recipient rows without recording anything yet; the page comes
# back with everything typed, not judged.
RECIPIENT_STEPS = ("add_recipient", "find_recipient", "choose_recipient", "unchoose_recipient")


def _row_index(data, key: str) -> int | None:
    try:
        index = int(data.get(key, ""))
        total = int(data.get("recipients-TOTAL_FORMS", ""))
    except ValueError:
        return None
    return index if 0 <= index < min(total, MAX_RECIPIENTS) else None


def _apply_picks(data) -> dict[int, str]:
    """Every row whose directory radio button is chosen becomes that entry (links set, its name,
    its organization as description when none was typed). Answers, by row, a message for a
    chosen entry that no longer exists."""
    from beacon.consents.selectors import directory_choice_get

    problems: dict[int, str] = {}
    try:
        total = min(int(data.get("recipients-TOTAL_FORMS", "")), MAX_RECIPIENTS)
    except ValueError:
        return problems
    for index in range(total):
        prefix = f"recipients-{index}-"
        value = data.get(prefix + "pick")
        if not value:
            continue
        data.pop(prefix + "pick")
        choice = directory_choice_get(value)
        if choice is None:
            problems[index] = str(MESSAGES["recipient_directory"] % {"number": index + 1})
            continue
        organization = choice.pk if choice.kind == "organization" else ""
        service = choice.pk if choice.kind == "service" else ""
        data[prefix + "directory_organization"] = str(organization)
        data[prefix + "directory_service"] = str(service)
        data[prefix + "name"] = choice.name
        if choice.kind == "service" and not (data.get(prefix + "description") or "").strip():
            data[prefix + "description"] = choice.organization
        data[prefix + "find"] = ""
    return problems


def consent_forms(post=None, *, initial=None, initial_rows=None):
    """The consent form and its recipient rows for one round of a page that records a consent
    (consents' own and a referral's "record the consent now"). Answers (form, formset, judge):
    `judge` is False for the rounds that only change the recipient rows (add a row, find an
    entry in the directory, choose one, type a name instead), which come back with everything
    typed kept and nothing judged yet. A row whose directory entry is chosen (its radio button)
    takes that entry whichever button was pressed."""
    from beacon.consents.selectors import directory_recipient_choices

    if post is None:
        return ConsentForm(initial=initial), recipient_formset(initial=initial_rows), False
    data = post.copy()
    problems = _apply_picks(data)
    step = next((name for name in RECIPIENT_STEPS if name in data), None)
    row = _row_index(data, step) if step and step != "add_recipient" else None
    if step == "unchoose_recipient" and row is not None:
        # Someone outside the directory after all: the name may be typed again.
        data[f"recipients-{row}-directory_organization"] = ""
        data[f"recipients-{row}-directory_service"] = ""
    if step is None:
        form, formset = ConsentForm(data), recipient_formset(data)
    else:
        form = ConsentForm(initial=data.dict())
        formset = recipient_formset(data, add_row=step == "add_recipient")
    for index, message in problems.items():
        if index < len(formset.forms):
            formset.forms[index].find_message = message
    if row is not None and row < len(formset.forms):
        target = formset.forms[row]
        if step == "unchoose_recipient" or (step == "choose_recipient" and target.from_directory):
            target.focus = "name"
        elif step in ("find_recipient", "choose_recipient"):
            # Find, or Choose with no entry chosen: the entries found again.
            query = (data.get(f"recipients-{row}-find") or "").strip()
            target.focus = "matches"
            if not query:
                target.find_message = _("Type a name, organization or town to find.")
            else:
                found = directory_recipient_choices(query=query)
                target.directory_matches = found
                if not found.choices:
                    target.find_message = _(
                        "Nothing in the directory matches “%(query)s”. Try other words, or "
                        "type the recipient's name below: someone outside the directory is "
                        "named as typed."
                    ) % {"query": query}
                elif step == "choose_recipient" and not target.find_message:
                    target.find_message = _(
                        "Choose one of the entries found, or type the recipient's name below."
                    )
    for row_form in formset.forms:
        if row_form.focus == "name":
            # Back from choosing (no script): the screen reader starts at the recipient named.
            row_form.fields["name"].widget.attrs["autofocus"] = True
    return form, formset, step is None


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
