from django import forms
from django.utils.translation import gettext_lazy as _

from beacon.crisis.services import MAX_ACTION


class CrisisActionForm(forms.Form):
    """What was done; required to record an action, optional when acknowledging or resolving
    (the service says when resolving needs it)."""

    text = forms.CharField(
        label=_("What was done"),
        max_length=MAX_ACTION,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: called the peer back, reached the participant, 988 called."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Said beside the label instead of "optional" (beacon/templates/includes/field.html).
        self.fields["text"].required_when = _(
            "needed to record; to resolve, unless something is recorded already"
        )
