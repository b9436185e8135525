"""The National Provider Identifier's check digit (CMS: the Luhn formula over the ten digits
with the prefix 80840, the health industry's card issuer prefix, in front)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def npi_is_valid(value: str) -> bool:
    return bool(re.fullmatch(r"[12]\d{9}", value or "")) and luhn_valid("80840" + value)


def validate_npi(value: str) -> None:
    if not re.fullmatch(r"\d{10}", value or ""):
        raise ValidationError(_("An NPI is 10 digits."), code="invalid")
    if not npi_is_valid(value):
        raise ValidationError(
            _("This NPI's last digit does not match the others: check it for a typing mistake."),
            code="invalid",
        )
