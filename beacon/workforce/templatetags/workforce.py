from django import template

from beacon.workforce.selectors import hours_text

register = template.Library()


@register.filter
def hours(minutes) -> str:
    """Minutes as hours: 90 -> 1.5."""
    return hours_text(int(minutes or 0))


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key, 0)
