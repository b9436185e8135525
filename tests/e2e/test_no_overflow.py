"""Every page of every role fits a phone (issue 15): signed in as each role of the security
world (tests/security/world.py: a participant, a peer, a supervisor, an organization admin, the
platform admin, and nobody), a real browser at 360x740 with touch opens every page the
authorization matrix (tests/security/policy.py) says that person may open, with real records
in the address, and fails on any page wider than the screen, naming it and its widest element.

A new page is covered by being added to the policy, which the matrix test requires. One browser,
one context per role; one test per role (the suite runs them first: conftest.py), with the
world built once per test process (`module_live_server`); about a minute in all
(docs/phone.md)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.security import matrix
from tests.security.policy import PAGES
from tests.security.world import REFERRAL_RELATIONS, RELATIONS, build_world

SCREEN = {"width": 360, "height": 740}
# One person of each role; the others of the world add no page these do not open.
PEOPLE = ("anonymous", "riley", "pat", "sam", "ada", "pia")
# Each person's walk opens more pages than this: about 90% of what it opened when the walk was
# split per person (2026-12-07: 10, 16, 80, 86, 105 and 18). Together far above the whole
# walk's former floor (150).
LEAST_OPENED = {"anonymous": 8, "riley": 14, "pat": 72, "sam": 77, "ada": 94, "pia": 16}
# Screenshots of pages that overflow, to look at, when BEACON_E2E_SHOTS names a folder.
SHOTS = os.environ.get("BEACON_E2E_SHOTS")

# What is wider than the screen, and the element reaching furthest right (the innermost of
# those that reach as far): visible elements only, so a folded menu does not count.
MEASURE = """(width) => {
  const root = document.documentElement;
  const result = {scrollWidth: root.scrollWidth, widest: null, right: 0};
  if (root.scrollWidth <= width) return result;
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.checkVisibility()) continue;
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right >= result.right && box.right > width) {
      result.right = Math.round(box.right);
      let name = el.tagName.toLowerCase();
      if (el.id) name += '#' + el.id;
      if (el.classList.length) name += '.' + [...el.classList].join('.');
      const parent = el.parentElement;
      const where = parent ? parent.tagName.toLowerCase() +
        (parent.classList.length ? '.' + [...parent.classList].join('.') : '') + ' > ' : '';
      result.widest = where + name + ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
    }
  }
  return result;
}"""


def addresses(world, person: str) -> list[tuple[str, str]]:
    """(page name, address) of every GET page this person may open: for each page, the first
    relation the policy lets them through with, and for a referral also the receiving side."""
    found = matrix.pages()
    out = []
    for name, rule in sorted(PAGES.items()):
        if "GET" not in rule.methods.split() or name not in found:
            continue
        page = found[name]
        relations = matrix.relations(world, matrix.page_arguments(page, rule.query))
        allowed = [
            r
            for r in relations
            if rule.access.expected(person, r, api=False) == {"ok"}
            and r in RELATIONS + REFERRAL_RELATIONS
        ]
        chosen = allowed[:1] + [r for r in allowed[1:] if r == "received"]
        out += [(name, matrix.page_url(page, world, r, rule.query)) for r in chosen]
    return out


def is_page(response, page) -> bool:
    """A whole HTML page, not a fragment htmx swaps into one (the notification badge, an
    import's progress) nor data (/healthz): those have no title of their own."""
    kind = response.headers.get("content-type", "")
    return kind.startswith("text/html") and page.evaluate(
        "() => !!document.querySelector('head title')"
    )


@pytest.fixture(scope="module")
def world_and_sessions(module_live_server):
    """The security world and its people's sessions, built once per test process and shared
    by every person's walk."""
    started = time.monotonic()
    world = build_world()
    sessions = matrix.sessions(world)
    print(f"\nworld built in {time.monotonic() - started:.0f} s")
    return world, sessions


@pytest.mark.parametrize("person", PEOPLE)
def test_no_page_of_any_role_is_wider_than_a_phone(
    person, world_and_sessions, module_live_server, browser
):
    started = time.monotonic()
    world, sessions = world_and_sessions
    live_server = module_live_server
    wide, broken, downloads, fragments, opened = [], [], [], [], 0
    context = browser.new_context(viewport=SCREEN, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    if person in sessions:
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": sessions[person],
                    "url": live_server.url,
                }
            ]
        )
    page = context.new_page()
    for name, address in addresses(world, person):
        try:
            response = page.goto(live_server.url + address)
        except Exception as error:  # a CSV, a certificate, a calendar feed
            if "Download is starting" in str(error):
                downloads.append(name)
                continue
            raise
        if response is not None and response.ok and not is_page(response, page):
            fragments.append(name)
            continue
        opened += 1
        if response is None or response.status >= 400:
            broken.append(f"  {person:9} {name}: {address} answered {response and response.status}")
            continue
        found = page.evaluate(MEASURE, SCREEN["width"])
        if found["scrollWidth"] > SCREEN["width"]:
            wide.append(
                f"  {person:9} {name}: {address} is {found['scrollWidth']} px wide; "
                f"widest: {found['widest']} (right edge at {found['right']} px)"
            )
            if SHOTS:
                Path(SHOTS).mkdir(parents=True, exist_ok=True)
                shot = Path(SHOTS) / f"wide-{person}-{name.replace(':', '-')}.png"
                page.screenshot(path=str(shot), full_page=True)
    context.close()
    took = time.monotonic() - started
    print(
        f"\n{person}: {opened} pages opened in {took:.0f} s; "
        f"not pages: {sorted(set(downloads + fragments))}"
    )
    least = LEAST_OPENED[person]
    assert opened > least, f"only {opened} pages opened: has the policy or the world changed?"
    assert not broken, "Pages the policy lets through answered an error:\n" + "\n".join(broken)
    assert not wide, f"Pages wider than a {SCREEN['width']} px phone:\n" + "\n".join(wide)
