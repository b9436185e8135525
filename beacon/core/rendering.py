"""Beacon's form renderer: Django's, with drop-down lists written out in Python.

Django renders a `<select>` with one included template per option (and another for each
option's attributes). A list of a hundred choices, such as the audit trail's actions, then
cost about 4 ms of template work on every page showing it; this writes exactly the same HTML
(beacon/core/tests/test_rendering.py compares the two) in a tenth of the time. A widget whose
options use a template of its own is rendered by its templates, as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"

# What a template's {{ value }} does: local time, localized numbers, escaping.
_CONTEXT = Context(autoescape=True)


def _value(value) -> str:
    return render_value_in_context(value, _CONTEXT)


def _stringformat(value) -> str:
    """{{ value|stringformat:'s' }}"""
    text = str(value) if isinstance(value, tuple) else "%s" % value  # noqa: UP031 - as Django
    if isinstance(value, SafeData):  # the filter keeps a value marked safe as it is
        return text
    return _value(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_value(name)}")
        if value is not True:
            parts.append(f'="{_stringformat(value)}"')
    return "".join(parts)


def render_select(widget: dict) -> str | None:
    """django/forms/widgets/select.html and select_option.html for the context's `widget`, or
    None when an option has a template of its own."""
    parts = [f'<select name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_value(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(
                f'\n  <option value="{_stringformat(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_value(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts).strip()


class FormRenderer(DjangoTemplates):
    """settings.FORM_RENDERER"""

    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE and "widget" in context:
            html = render_select(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)
