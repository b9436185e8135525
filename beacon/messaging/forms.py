from django import forms
from django.utils.translation import gettext_lazy as _

from beacon.messaging.models import MAX_BODY


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_BODY,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_BODY}),
        error_messages={"required": _("Write a message first.")},
    )
