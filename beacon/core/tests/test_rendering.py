"""Beacon's form renderer writes drop-down lists exactly as Django's templates do."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

from beacon.core.rendering import FormRenderer, render_select


class Choices(forms.Form):
    plain = forms.ChoiceField(
        choices=[
            ("", "Any"),
            ("a<b", 'A & "B"'),
            (3, 3),
            ("safe", mark_safe("<b>x</b>")),
            (mark_safe("a&amp;b"), "safe value"),
        ],
        required=False,
        help_text="Pick one",
    )
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("Group & co", [("1", "one"), ("2", "two")]), ("3", "three")]
    )
    several = forms.MultipleChoiceField(choices=[("1", "one"), ("2", "two"), ("3", "three")])
    yes_no = forms.NullBooleanField()
    attrs = forms.ChoiceField(
        choices=[("x", "X")],
        widget=forms.Select(attrs={"class": "wide", "data-n": 5, "autofocus": True, "off": False}),
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "a<b", "grouped": "2", "several": ["1", "3"], "yes_no": "true"},
        {"plain": "nonsense", "grouped": "", "several": [], "attrs": "y"},
    ],
)
def test_selects_are_written_as_djangos_templates_write_them(data):
    ours = Choices(data, renderer=FormRenderer())
    django = Choices(data, renderer=DjangoTemplates())
    for name in ours.fields:
        assert str(ours[name]) == str(django[name]), name
    assert str(ours) == str(django)


def test_options_with_their_own_template_keep_it():
    class Fancy(forms.Select):
        option_template_name = "django/forms/widgets/input.html"

    widget = Fancy(choices=[("1", "one")])
    context = widget.get_context("f", "1", {})
    assert render_select(context["widget"]) is None
    ours = widget.render("f", "1", renderer=FormRenderer())
    assert ours == widget.render("f", "1", renderer=DjangoTemplates())


def test_it_is_the_renderer_forms_use():
    assert isinstance(get_default_renderer(), FormRenderer)
