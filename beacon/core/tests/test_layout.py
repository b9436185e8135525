"""The page frame on a phone (issue 15): the menu folds behind one Menu button (a details
element, so it works by keyboard, with a screen reader and without scripts), the notification
badge stays in sight beside it, and the crisis line comes first on every page."""

import re

import pytest

pytestmark = pytest.mark.django_db


def nav(html: str) -> str:
    return html[html.index('<nav aria-label="Main"') : html.index("</nav>")]


def test_the_menu_folds_behind_one_button_and_the_badge_stays_outside(client_for, pat):
    html = client_for(pat).get("/").content.decode()
    main_nav = nav(html)
    menu = re.search(
        r'<details class="nav-menu">\s*<summary class="nav-toggle">Menu</summary>', main_nav
    )
    assert menu, "the menu is a closed details element with a Menu button"
    badge = main_nav.index('id="notification-badge"')
    assert badge < menu.start(), "Notifications stays in sight, before the folded menu"
    folded = main_nav[menu.end() :]
    for link in ("Participants", "Groups", "Referrals inbox", "My account", "Sign out"):
        assert link in folded, link
    # The crisis line comes before the header on every page.
    assert html.index('class="crisis-line"') < html.index('class="site-header"')


def test_a_participant_has_the_menu_without_a_badge(client_for, riley, riley_record):
    main_nav = nav(client_for(riley).get("/my/").content.decode())
    assert '<details class="nav-menu">' in main_nav
    assert "notification-badge" not in main_nav


def test_the_menu_script_and_styles_are_files(client_for, pat):
    # Strict CSP: no inline script or style; the menu's behaviour lives in beacon.js.
    html = client_for(pat).get("/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html
