"""One date format everywhere (issue 15: one page showed 2026-12-07, 12/07/2026 and
"Dec. 14, 2026"). Every page of the URL configuration, opened by each kind of person on the
world of the authorization matrix, must write dates as "Dec 7, 2026" and date-times as
"Dec 7, 2026, 3:05 p.m." (config/formats/en/formats.py) wherever people read them. Attributes
(<time datetime>, <input type="date"> values) and files for machines (CSV, iCalendar, JSON)
keep ISO 8601 and are not looked at."""

import re
from html.parser import HTMLParser

import pytest

from tests.security import matrix
from tests.security.policy import PAGES

pytestmark = pytest.mark.django_db

# Someone of every role, and no one signed in.
PEOPLE = ("anonymous", "riley", "pat", "sam", "ada", "pia")
# Pages left out of the check (none: the audit trail writes the dates its details hold in the one
# format too).
NOT_CHECKED: set[str] = set()
OTHER_FORMATS = {
    "ISO 8601 (2026-12-07)": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "US numeric (12/07/2026)": re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
    'Django\'s "N" months (Dec. 7)': re.compile(r"\b(?:Jan|Feb|Aug|Sept|Oct|Nov|Dec)\. \d"),
    # Not inside a word: an authenticator key ("... B4PM UX5H ...") is no time of day.
    "AM/PM (3:05 PM)": re.compile(r"(?<![A-Z])\d ?[AP]M\b"),
}


class _VisibleText(HTMLParser):
    """The text a person reads: no attributes, no scripts or styles."""

    HIDDEN = {"script", "style", "template"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def other_formats(text: str) -> list[str]:
    return [
        f"{name}: {match.group(0)!r} in {text[max(match.start() - 40, 0) : match.end() + 20]!r}"
        for name, pattern in OTHER_FORMATS.items()
        for match in pattern.finditer(text)
    ]


def test_the_check_finds_each_other_format():
    html = (
        "<p>Seen 2026-12-07, due 12/07/2026, next Dec. 14, 2026 at 3:05 PM"
        '<time datetime="2026-12-07">Dec 7, 2026</time><input type="date" value="2026-12-07">'
        "<script>var d = '2026-12-07';</script></p>"
    )
    found = other_formats(visible_text(html))
    assert [f.split(":")[0] for f in found] == [
        "ISO 8601 (2026-12-07)",
        "US numeric (12/07/2026)",
        'Django\'s "N" months (Dec. 7)',
        "AM/PM (3",
    ]
    assert (
        other_formats(visible_text('<time datetime="2026-12-07">Dec 7, 2026, 3:05 p.m.</time>'))
        == []
    )


def _page_cases():
    pages = matrix.pages()
    for name in sorted(set(pages) & set(PAGES) - NOT_CHECKED):
        if "GET" in PAGES[name].methods.split():
            yield pytest.param(name, id=name)


@pytest.mark.parametrize("name", list(_page_cases()))
def test_pages_write_dates_one_way(world, name):
    page, rule = matrix.pages()[name], PAGES[name]
    relations = matrix.relations(world, matrix.page_arguments(page, rule.query))
    found = []
    for relation in relations[:1] + tuple(r for r in ("sent", "received") if r in relations):
        for person in PEOPLE:
            url = matrix.page_url(page, world, relation, rule.query)
            session = world.sessions.get(person, "")
            status, body = matrix.send("GET", url, session=session, api=False)
            if status != "ok" or not body.lstrip().startswith((b"<!DOCTYPE", b"<!doctype", b"<")):
                continue
            found += [f"  {person} {url}: {f}" for f in other_formats(visible_text(body.decode()))]
    assert not found, f"{name} writes dates another way than Beacon's one format:\n" + "\n".join(
        found
    )
