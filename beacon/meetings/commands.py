"""`beacon meetings import PATH_OR_URL [--organization ORG]` and `beacon meetings export PATH`.

Import: a Meeting Guide JSON file, or an address fetched now. Importing the same file or address
again updates its meetings (matched by slug) and takes those no longer in it off the list.
Records Beacon cannot use are skipped and named; a file that is not a feed is refused whole.
Exit codes: 0 imported (skipped records and warnings printed), 1 refused (nothing imported).
Export: every listed meeting as one Meeting Guide JSON array, contacts without last names.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _organization(text: str | None):
    from beacon.organizations.models import Organization

    if text:
        from beacon.directory.selectors import curator_find

        return curator_find(text)
    only = list(Organization.objects.order_by("created_at")[:2])
    return only[0] if len(only) == 1 else None


def run_import(source: str, *, organization: str | None = None) -> int:
    from beacon.meetings import feed as mg
    from beacon.meetings import services

    org = _organization(organization)
    if org is None:
        what = f"the id or name {organization!r}" if organization else "--organization"
        print(
            f"beacon: no Beacon organization with {what}: name the organization that lists "
            "these meetings (--organization, its id or exact name). Nothing was imported.",
            file=sys.stderr,
        )
        return 1
    try:
        if source.startswith(("https://", "http://")):
            raw = services.fetch(source, inside_addresses=True)
            key, name = source, source
        else:
            path = Path(source)
            raw = path.read_bytes()
            key, name = f"file:{path.name}", path.name
        feed = services.feed_for_source(organization=org, source=key, name=name)
        report = services.feed_import(feed=feed, raw=raw)
    except (OSError, ValueError, mg.FeedRefused) as exc:
        print(f"beacon: {source} was refused; nothing was imported: {exc}", file=sys.stderr)
        return 1
    for warning in report.warnings:
        print(f"warning: {warning}")
    for error in report.errors:
        print(f"skipped: {error}")
    print(f"Imported {source} for {org.name}: {report.summary()}")
    return 0


def run_export(path: str) -> int:
    from beacon.meetings import feed as mg
    from beacon.meetings import services
    from beacon.meetings.permissions import listed_meetings

    meetings = list(listed_meetings().order_by("organization_id", "slug", "pk"))
    target = Path(path)
    try:
        target.write_text(mg.feed_json(meetings), encoding="utf-8")
    except OSError as exc:
        print(f"beacon: could not write {path}: {exc}", file=sys.stderr)
        return 1
    services.meetings_exported(organization=None, count=len(meetings), path=str(target))
    print(f"Exported {len(meetings)} meetings to {path} (Meeting Guide JSON).")
    return 0
