"""Forms for matching, built from the one list of aspects (choices.ASPECTS)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beacon.core.forms import AccessibleErrorsMixin
from beacon.matching.choices import ASPECTS, MAX_WEIGHT, Strength


def _values_field(aspect, label, required=False):
    if aspect.multiple:
        return forms.MultipleChoiceField(
            label=label,
            choices=aspect.options,
            required=required,
            widget=forms.CheckboxSelectMultiple,
        )
    return forms.ChoiceField(
        label=label,
        choices=[("", _("Not said")), *aspect.options],
        required=required,
        widget=forms.RadioSelect,
    )


def _as_list(value) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


class ProfileForm(AccessibleErrorsMixin, forms.Form):
    """A peer's own profile: each aspect with its own "share for matching" box, off until the
    peer ticks it."""

    def __init__(self, *args, cap: int, **kwargs):
        super().__init__(*args, **kwargs)
        for aspect in ASPECTS:
            self.fields[aspect.key] = _values_field(aspect, aspect.label)
            self.fields[f"share_{aspect.key}"] = forms.BooleanField(
                label=_("Share this for matching"), required=False
            )
        self.fields["capacity"] = forms.IntegerField(
            label=_("How many people can you work with?"),
            help_text=_("Leave empty for the organization's caseload cap (%(cap)s).")
            % {"cap": cap},
            required=False,
            min_value=0,
            max_value=cap,
        )
        self.fields["leaving"] = forms.BooleanField(
            label=_("I am leaving the organization (the people I work with will need a peer)"),
            required=False,
        )

    def rows(self):
        return [(aspect, self[aspect.key], self[f"share_{aspect.key}"]) for aspect in ASPECTS]

    @classmethod
    def initial_from(cls, profile) -> dict:
        initial = {"capacity": profile.capacity, "leaving": profile.leaving}
        for aspect in ASPECTS:
            values = (profile.values or {}).get(aspect.key) or []
            initial[aspect.key] = values if aspect.multiple else (values[0] if values else "")
            initial[f"share_{aspect.key}"] = aspect.key in (profile.shared or [])
        return initial

    def profile_values(self) -> dict:
        data = self.cleaned_data
        return {
            "values": {a.key: _as_list(data.get(a.key)) for a in ASPECTS},
            "shared": [a.key for a in ASPECTS if data.get(f"share_{a.key}")],
            "capacity": data.get("capacity"),
            "leaving": bool(data.get("leaving")),
        }


class PreferencesForm(AccessibleErrorsMixin, forms.Form):
    """What a participant hopes for in a peer: per aspect, what, and "must" or "would like"."""

    no_preference = forms.BooleanField(
        label=_("No preference: any peer with room is fine"), required=False
    )
    in_their_words = forms.CharField(
        label=_("In their words, what matters in a peer"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, own: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if own:
            self.fields["no_preference"].label = _("No preference: any peer is fine")
            self.fields["in_their_words"].label = _("In your words, what matters in a peer")
        for aspect in ASPECTS:
            self.fields[aspect.key] = _values_field(aspect, aspect.question)
            self.fields[f"{aspect.key}_strength"] = forms.ChoiceField(
                label=_("How much it matters"),
                choices=Strength.CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )

    def rows(self):
        return [(aspect, self[aspect.key], self[f"{aspect.key}_strength"]) for aspect in ASPECTS]

    @classmethod
    def initial_from(cls, preferences) -> dict:
        if preferences is None:
            return {}
        initial = {
            "no_preference": preferences.no_preference,
            "in_their_words": preferences.in_their_words,
        }
        for aspect in ASPECTS:
            want = (preferences.wants or {}).get(aspect.key) or {}
            values = want.get("values") or []
            initial[aspect.key] = values if aspect.multiple else (values[0] if values else "")
            initial[f"{aspect.key}_strength"] = want.get("strength") or ""
        return initial

    def preference_values(self) -> dict:
        data = self.cleaned_data
        return {
            "wants": {
                a.key: {
                    "values": _as_list(data.get(a.key)),
                    "strength": data.get(f"{a.key}_strength") or "",
                }
                for a in ASPECTS
                if data.get(a.key) or data.get(f"{a.key}_strength")
            },
            "no_preference": bool(data.get("no_preference")),
            "in_their_words": data.get("in_their_words") or "",
        }


class WeightsForm(AccessibleErrorsMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for aspect in ASPECTS:
            self.fields[aspect.key] = forms.IntegerField(
                label=aspect.label, min_value=0, max_value=MAX_WEIGHT
            )
            self.fields[f"{aspect.key}_note"] = forms.CharField(
                label=_("Why (your organization's note)"), required=False, max_length=300
            )

    def rows(self, weights):
        by_key = {w.key: w for w in weights}
        return [(by_key[a.key], self[a.key], self[f"{a.key}_note"]) for a in ASPECTS]

    @classmethod
    def initial_from(cls, weights) -> dict:
        initial = {}
        for w in weights:
            initial[w.key] = w.weight
            initial[f"{w.key}_note"] = w.note
        return initial

    def weight_values(self) -> dict:
        data = self.cleaned_data
        return {
            a.key: {"weight": data[a.key], "note": data.get(f"{a.key}_note") or ""} for a in ASPECTS
        }
