"""Forms for getting into one's own Beacon (docs/portal.md)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beacon.core.forms import AccessibleErrorsMixin


class InviteEmailForm(AccessibleErrorsMixin, forms.Form):
    email = forms.EmailField(
        label=_("Their email address"),
        required=False,
        help_text=_("Left empty: the email in their record."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class JoinCodeForm(AccessibleErrorsMixin, forms.Form):
    code = forms.CharField(
        label=_("Your code"),
        max_length=20,
        help_text=_("8 letters and numbers, from your peer's phone. Capitals or not: either way."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "join-code-input",
            }
        ),
        error_messages={"required": _("Type the code from your peer's phone.")},
    )


class JoinAccountForm(AccessibleErrorsMixin, forms.Form):
    """A new sign-in: the email (typed, unless the invitation went to one) and a password."""

    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("You sign in with it. Beacon never shows it to anyone else."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common password."),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, fixed_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_email = fixed_email
        if fixed_email:
            # The email invitation's own address: shown, not typed.
            del self.fields["email"]

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        return cleaned

    @property
    def email_value(self) -> str:
        return self.fixed_email or self.cleaned_data.get("email", "")
