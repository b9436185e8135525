"""A crisis flag's whole loop in a real browser at phone size (issue 15): a peer logs an
encounter with a crisis flag; the supervisor's open page shows the badge change by itself within
seconds; the supervisor acknowledges, records what was done and resolves; the peer sees it; a
flag nobody acknowledges is escalated by email to every supervisor and admin.

Screenshots of each step go to $BEACON_E2E_SHOTS/crisis/ when BEACON_E2E_SHOTS names a folder."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from beacon.core.tests.worker import run_worker
from beacon.crisis.models import CrisisFlag
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)


def shot(page, name: str) -> None:
    screenshot(page, "crisis", name)


def log_crisis(page, base: str, participant, note: str) -> None:
    page.goto(f"{base}/encounters/new/?participant={participant.pk}")
    page.get_by_role("radio", name="15", exact=True).check()
    page.get_by_role("radio", name="Phone").check()
    page.get_by_role("radio", name="Community").check()
    page.get_by_role("radio", name="Crisis support").check()
    page.get_by_label("Note").fill(note)
    page.get_by_label("Crisis or safety concern").check()
    page.get_by_role("button", name="Save encounter").click()
    expect(page.get_by_text("Crisis or safety concern").first).to_be_visible()


def test_the_crisis_flag_loop_on_a_phone(live_server, phone, axe, pat, sam, ada, jordan):
    base = live_server.url
    supervisor = phone()
    supervisor_problems = watch(supervisor)
    sign_in(supervisor, base, sam)
    supervisor.goto(f"{base}/")
    badge = supervisor.locator("#notification-count")
    expect(badge).to_have_text("")
    # A mark that a reload would wipe: the badge must change without one.
    supervisor.evaluate("() => { window.beaconNoReload = true; }")
    shot(supervisor, "1-supervisor-before")

    peer = phone()
    peer_problems = watch(peer)
    sign_in(peer, base, pat)
    log_crisis(peer, base, jordan, "Talked through a hard night; made a safety plan together.")
    flagged_at = time.monotonic()
    shot(peer, "2-peer-flagged")

    # The badge polls every 10 s: it shows the flag within seconds, with no reload.
    expect(supervisor.locator("#notification-count .badge")).to_have_text(
        re.compile(r"^1\s*unread$"), timeout=15_000
    )
    print(f"The supervisor's badge showed the flag {time.monotonic() - flagged_at:.1f} s later.")
    assert supervisor.evaluate("() => window.beaconNoReload") is True
    shot(supervisor, "3-supervisor-badge-live")

    # My day shows the open flag first, with its age.
    supervisor.reload()
    crisis_section = supervisor.locator("section[aria-labelledby='myday-crisis']")
    expect(crisis_section).to_contain_text(
        re.compile(r"Open, flagged (just now|\d+\s+minutes? ago): not acknowledged yet")
    )
    shot(supervisor, "4-supervisor-my-day")

    supervisor.locator("#notification-badge").click()
    supervisor.get_by_role("link", name="Acknowledge and follow through").first.click()
    expect(supervisor.get_by_role("heading", level=1)).to_contain_text("Crisis flag: Jordan")
    assert axe(supervisor) == []
    shot(supervisor, "5-supervisor-flag-open")

    supervisor.get_by_role("button", name="Acknowledge").click()
    expect(supervisor.locator(".crisis-status")).to_contain_text("Acknowledged")
    supervisor.get_by_role("textbox", name=re.compile("^What was done")).fill(
        "Called Pat back; reached Jordan by phone."
    )
    supervisor.get_by_role("button", name="Record what was done").click()
    expect(supervisor.locator("main")).to_contain_text("reached Jordan by phone")
    shot(supervisor, "6-supervisor-acknowledged")

    supervisor.get_by_role("textbox", name=re.compile("^What was done")).fill(
        "Jordan is with family tonight; check-in set."
    )
    supervisor.get_by_role("button", name="Resolve").click()
    expect(supervisor.locator(".crisis-status")).to_contain_text("Resolved")
    assert axe(supervisor) == []
    shot(supervisor, "7-supervisor-resolved")

    # The peer is told, and sees the status and what was done.
    peer.goto(f"{base}/notifications/")
    expect(peer.locator("main")).to_contain_text("Sam Supervisor resolved your crisis flag")
    shot(peer, "8-peer-notified")
    peer.get_by_role("link", name="Open").first.click()
    expect(peer.locator(".crisis-status")).to_contain_text("Resolved")
    expect(peer.locator("main")).to_contain_text("Jordan is with family tonight")
    expect(peer.get_by_role("button", name="Resolve")).to_have_count(0)
    assert axe(peer) == []
    shot(peer, "9-peer-sees-what-was-done")

    # Escalation: a second flag nobody acknowledges; the organization's time passes (the
    # escalation run is asked to act as if it had) and every supervisor and admin is emailed.
    run_worker()
    mail.outbox.clear()
    log_crisis(peer, base, jordan, "Second call tonight.")
    flag = CrisisFlag.objects.get(status="open")
    from beacon.ops.cli import main

    later = (timezone.now() + timedelta(minutes=16)).isoformat()
    assert main(["crisis", "escalate", "--now", later]) == 0
    run_worker()
    escalations = [m for m in mail.outbox if "not been acknowledged" in m.subject]
    assert sorted(m.to[0] for m in escalations) == sorted([sam.email, ada.email])
    assert f"/crisis/{flag.pk}/" in escalations[0].body
    assert "Jordan" not in escalations[0].body and "Second call" not in escalations[0].body
    supervisor.goto(f"{base}/crisis/{flag.pk}/")
    expect(supervisor.locator("main")).to_contain_text("every supervisor and admin was emailed")
    shot(supervisor, "10-supervisor-escalated")

    assert supervisor_problems == []
    assert peer_problems == []


def set_hidden(page, hidden: bool) -> None:
    """As if the person switched tabs (or came back): document.hidden and its event."""
    page.evaluate(
        """(hidden) => {
            Object.defineProperty(document, 'hidden', {configurable: true, get: () => hidden});
            document.dispatchEvent(new Event('visibilitychange'));
        }""",
        hidden,
    )


def test_the_badge_rests_while_the_tab_is_hidden(live_server, phone, sam):
    page = phone()
    problems = watch(page)
    sign_in(page, live_server.url, sam)
    polls: list[float] = []
    page.on(
        "request",
        lambda r: polls.append(time.monotonic()) if "/notifications/badge/" in r.url else None,
    )
    set_hidden(page, True)
    page.wait_for_timeout(12_000)  # more than one 10 s poll
    assert polls == []
    shown = time.monotonic()
    set_hidden(page, False)
    page.wait_for_timeout(1_500)
    assert len(polls) == 1 and polls[0] - shown < 1.5  # at once when shown again
    assert problems == []
