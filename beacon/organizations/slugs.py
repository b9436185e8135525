"""An organization's public address (/o/<slug>/): what a slug may be, and one made from a name.

Plain functions without the models, so the migration that gave every organization its slug
(0011) uses the same rule as organization_create."""

from __future__ import annotations

from collections.abc import Container

from django.core.validators import RegexValidator
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

SLUG_MAX_LENGTH = 60
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z"
slug_validator = RegexValidator(
    SLUG_PATTERN,
    _(
        "Use lowercase letters (a to z), numbers and single hyphens between them, like "
        "harbor-recovery."
    ),
    code="invalid_slug",
)


def slug_from_name(name: str, taken: Container[str]) -> str:
    """A slug for `name` that is not in `taken`: the name in lowercase ASCII words joined by
    hyphens ("Harbor Recovery Community" -> "harbor-recovery-community"), then "-2", "-3"...
    when another organization has it already. A name with no ASCII letters or digits (all
    Chinese, say) becomes "organization"."""
    base = slugify(name)[: SLUG_MAX_LENGTH - 4].strip("-").replace("_", "-")
    base = "-".join(part for part in base.split("-") if part) or "organization"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug
