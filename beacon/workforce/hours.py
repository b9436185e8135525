"""Hours a peer has worked, been supervised or trained, gathered from the apps that record them.

Certification boards count experience hours (work with participants: encounters, group sessions
facilitated), supervision hours and education hours. Each recording app registers a source from
its AppConfig.ready(); the workforce app adds them up against credential requirements and prints
the hours log. Items never name a participant: the log is handed to a certification board.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

# The source name community work registers under (beacon/reports/hours.py): a credential whose
# definition says community work does not count leaves these items out.
COMMUNITY_WORK_SOURCE = "community"


class Category:
    EXPERIENCE = "experience"
    SUPERVISION = "supervision"
    EDUCATION = "education"


@dataclass(frozen=True)
class HoursItem:
    on: date
    minutes: int
    category: str  # Category.*
    description: str  # plain words, no participant's name, e.g. "Group session: Skills group"
    source: str  # the registered source's name, e.g. "encounters", "groups", "supervision"
    domain: str = ""  # an education domain (advocacy, mentoring, ...) when the source knows it
    url: str = ""  # the record, for the peer's own view (not printed on the log)


# (user, start, end) -> the user's items dated start..end inclusive (None: unbounded), in a fixed
# number of queries.
HoursSource = Callable[..., list[HoursItem]]
_sources: dict[str, HoursSource] = {}


def hours_source_register(name: str, source: HoursSource) -> None:
    _sources[name] = source


def hours_items(*, user, start: date | None = None, end: date | None = None) -> list[HoursItem]:
    """Every registered source's items for this user, oldest first."""
    items: list[HoursItem] = []
    for source in _sources.values():
        items.extend(source(user, start, end))
    items.sort(key=lambda item: (item.on, item.source, item.description))
    return items
