"""Reads of background directory imports, always through who may see them."""

from __future__ import annotations

from django.db.models import QuerySet

from beacon.core.access import load_visible
from beacon.directory.imports.permissions import directory_imports_visible_to
from beacon.directory.models import DirectoryImport

LIST_LIMIT = 100


def directory_imports_for(*, user, member) -> QuerySet[DirectoryImport]:
    """The imports this person may see, newest first, with who asked and for which organization
    (two joins, one query whatever the number)."""
    return directory_imports_visible_to(user, member).select_related(
        "requested_by", "organization"
    )[:LIST_LIMIT]


def directory_import_get_for(*, user, member, pk) -> DirectoryImport:
    """One import this person may see; 404 (Http404) otherwise, like one that does not exist."""
    return load_visible(
        member=member,
        visible=directory_imports_visible_to(user, member).select_related(
            "requested_by", "organization"
        ),
        pk=pk,
    )
