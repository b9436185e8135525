from django import template

from beacon.workforce.selectors import category_label, domain_label, hours_text

register = template.Library()


@register.filter
def hours(minutes) -> str:
    """Minutes as hours: 90 -> 1.5."""
    return hours_text(int(minutes or 0))


@register.filter
def category(value: str) -> str:
    return category_label(value)


@register.filter
def domain(value: str) -> str:
    return domain_label(value)


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key, 0)
