"""One call that every write of directory entries makes, so what depends on them (the Find Help
search index) stays current without the writers knowing about it.

Writers (import, curation edits and merges, accepted submissions, demo data) call
`services_changed(ids)` inside their transaction after writing services or anything shown with
them (organization, locations, addresses, phones, schedules, languages, taxonomy terms). Listeners
register from their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Listener = Callable[[list | None], None]
_listeners: list[Listener] = []


def services_changed_listen(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def services_changed(service_ids: Iterable | None) -> None:
    """Tell listeners these services (primary keys) changed, were added or were deleted;
    None means any service may have changed."""
    ids = None if service_ids is None else list(service_ids)
    for listener in _listeners:
        listener(ids)
