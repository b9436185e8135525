"""The encounter form on a phone (issue 15): its work first (how long, how, where, what kind,
the note), when, topics and plan goals folded below, and opened whenever they hold something to
see: an error, a choice, or a correction's stored values."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from beacon.encounters.tests.test_views import MINIMAL, new_url

pytestmark = pytest.mark.django_db
FOLD = re.compile(r'<details class="form-more"( open)?>')


def fold(html: str):
    match = FOLD.search(html)
    assert match, "when, topics and plan goals are folded in a details element"
    return match


def test_the_work_comes_first_and_the_optional_parts_are_folded(client_for, pat, jordan):
    html = client_for(pat).get(new_url(jordan)).content.decode()
    folded = fold(html)
    assert folded.group(1) is None
    inside = html[folded.end() : html.index("</details>", folded.end())]
    assert 'name="occurred_at"' in inside and 'name="topics"' in inside
    for name in ("duration_pick", "modality", "setting", "kind", "note", "crisis_flag"):
        assert html.index(f'name="{name}"') < folded.start(), name
    # The minutes typed beside the picks, the date beside the follow-up picks.
    assert re.search(
        r'<div class="field-row">\s*<fieldset class="choices">\s*<legend>How long', html
    )


def test_an_error_in_a_folded_field_opens_the_fold_and_keeps_what_was_typed(
    client_for, pat, jordan
):
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(pat).post(
        new_url(jordan), {**MINIMAL, "occurred_at": future, "note": "Met at the library."}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert fold(html).group(1) == " open"
    assert f'value="{future}"' in html
    assert "Met at the library." in html


def test_chosen_topics_keep_the_fold_open(client_for, pat, jordan):
    response = client_for(pat).post(new_url(jordan), {"topics": ["housing"], "note": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    assert fold(html).group(1) == " open"
    assert re.search(r'name="topics" value="housing"[^>]*checked', html)


def test_a_correction_shows_everything_stored(client_for, pat, jordan_encounter):
    html = client_for(pat).get(reverse("encounters:edit", args=[jordan_encounter.pk])).content
    assert fold(html.decode()).group(1) == " open"
