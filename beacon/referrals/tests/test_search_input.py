"""The referral form's directory search (issue 14): normalized and bounded before SQL."""

import pytest
from django.urls import reverse

from beacon.core.search import MAX_WORDS
from beacon.referrals import selectors


@pytest.mark.parametrize("q", ["mercy\x00", "mer\x00cy", "\x1bmercy\u200b"])
def test_nul_and_control_characters_are_dropped(client_for, pat, jordan, mercy_service, q):
    url = reverse("referrals:new", args=[jordan.pk])
    response = client_for(pat).get(url, {"q": q})
    assert response.status_code == 200
    assert "Mercy MOUD clinic" in response.content.decode()


def test_more_words_than_the_limit_are_refused_beside_the_box(
    client_for, pat, jordan, mercy_service
):
    url = reverse("referrals:new", args=[jordan.pk])
    html = client_for(pat).get(url, {"q": " ".join(["mercy"] * (MAX_WORDS + 1))}).content.decode()
    assert "Search with 12 words or fewer (this has 13)." in html
    assert "Mercy MOUD clinic" not in html


def test_the_selector_bounds_the_words_whoever_calls_it(mercy_service):
    assert selectors.service_search(query="mercy\x00 moud") == [mercy_service]
    assert selectors.service_search(query="mercy " + " ".join(["x"] * 1000)) == []
