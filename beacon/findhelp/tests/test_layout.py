"""Find Help on a phone (issue 15): the filters fold behind one button that says how many are
active, so the results come first; a filter with an error opens them."""

import re

import pytest

from beacon.findhelp.forms import SearchForm
from beacon.findhelp.tests.factories import service

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("data", "active"),
    [
        ({}, 0),
        ({"q": "housing", "zip": "01608"}, 0),  # words and a ZIP code are the search itself
        ({"miles": "10"}, 0),  # the default distance narrows nothing
        ({"miles": "25", "payment": "medicaid"}, 2),
        ({"open_now": "on", "same_day": "on", "moud": "on", "language": "Spanish"}, 4),
        ({"population": "", "service_type": ""}, 0),
    ],
)
def test_active_filters_counts_what_narrows_the_search(data, active):
    assert SearchForm(data).active_filters() == active


def test_an_unasked_search_has_no_active_filter():
    assert SearchForm().active_filters() == 0


def test_the_filters_button_says_how_many_are_active(client):
    service("Harbor drop-in")
    html = client.get("/find-help/", {"q": "drop-in", "open_now": "on", "moud": "on"}).content
    html = html.decode()
    fold = re.search(
        r'<details class="findhelp-filters"( open)?>\s*<summary>([^<]*)</summary>', html
    )
    assert fold, "the filters are folded in a details element"
    assert fold.group(1) is None  # folded
    assert fold.group(2) == "Filters (2 active)"
    # Every filter is still in the form, inside the fold; the search words before it.
    inside = html[fold.end() : html.index("</details>", fold.end())]
    for name in ("miles", "service_type", "payment", "language", "population", "open_now"):
        assert f'name="{name}"' in inside
    assert html.index('name="q"') < fold.start()
    assert html.index('id="results-heading"') > fold.start()


def test_no_filter_reads_filters_and_an_error_opens_them(client):
    html = client.get("/find-help/").content.decode()
    assert re.search(r'<details class="findhelp-filters">\s*<summary>Filters</summary>', html)
    html = client.get("/find-help/", {"miles": "7000"}).content.decode()
    assert '<details class="findhelp-filters" open>' in html
    assert "Select a valid choice" in html


def test_a_search_without_a_distance_shows_the_default_one(client):
    # Not the first choice (1 mile), which searching again from the page would then send.
    html = client.get("/find-help/", {"zip": "01608"}).content.decode()
    assert re.search(r'<option value="10" selected>', html)
    assert SearchForm({"zip": "01608"}).active_filters() == 0
