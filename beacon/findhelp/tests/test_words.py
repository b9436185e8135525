"""Find Help in people's words: everyday words and brand names (the synonym table), small
misspellings, and "did you mean" (docs/findhelp.md, "Find Help in people's words")."""

import pytest

from beacon.audit.models import AuditEvent
from beacon.findhelp.models import SearchSynonym
from beacon.findhelp.selectors import SearchQuery, service_search
from beacon.findhelp.synonyms import DEFAULT_SYNONYMS
from beacon.findhelp.tests.factories import service, term
from beacon.findhelp.words import Interpretation, interpret, suggestion, vocabulary
from conftest import member_of

pytestmark = pytest.mark.django_db


def names(words: str, **kwargs) -> list[str]:
    query = SearchQuery(words=words, zip_code="01602", miles=10, **kwargs)
    return [r.service.name for r in service_search(query=query).results]


@pytest.fixture
def near_worcester():
    service("Overdose prevention", description="Free naloxone kits and training.")
    service("Office-based treatment", description="Buprenorphine clinic, walk-in Mondays.")
    service("Inpatient unit", description="Medically monitored withdrawal management, 3-5 days.")
    service("Tuesday Night AA Group", description="An open AA group in the church basement.")
    service("Food pantry", description="Groceries every Friday.")


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("narcan", "Overdose prevention"),
        ("suboxone", "Office-based treatment"),
        ("detox", "Inpatient unit"),
        ("AA meeting", "Tuesday Night AA Group"),
    ],
)
def test_everyday_words_find_what_the_directory_calls_otherwise(near_worcester, words, found):
    assert found in names(words)


# How words are read (no database) ---------------------------------------------------------------

VOCAB = vocabulary(DEFAULT_SYNONYMS)


def read(text: str, in_directory=None) -> Interpretation:
    return interpret(text, VOCAB, in_directory=in_directory)


def test_phrases_are_replaced_longest_first_and_other_words_kept():
    assert read("AA meeting").words == ["mutual-aid", "meeting"]
    assert read("methadone clinic near Worcester").words == [
        "opioid",
        "treatment",
        "program",
        "near",
        "worcester",
    ]
    assert read("Sober Living, women").words == ["recovery", "residence", "women"]
    assert read("food stamps").replaced == [("food stamps", "snap")]
    # Punctuation around a word does not hide it; punctuation alone is searched as typed.
    assert read("narcan?").words == ["naloxone"]
    assert read('"*"').words == ['"*"']


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("narcann", "naloxone"), ("suboxon", "buprenorphine"), ("buprenorphin", "buprenorphine")],
)
def test_small_misspellings_are_read_as_the_word_meant(typed, meant):
    interpretation = read(typed, in_directory=lambda word: False)
    assert interpretation.words == [meant]
    assert interpretation.corrected[0][0] == typed


def test_a_real_word_near_a_synonym_is_searched_as_typed():
    # "dextox" is near "detox" but not its start: kept when some service says it.
    assert read("detax", in_directory=lambda word: True).words == ["detax"]
    assert read("detax", in_directory=lambda word: False).words == ["withdrawal", "management"]
    # Short words are never corrected (too many are one letter apart).
    assert read("bupy", in_directory=lambda word: False).words == ["bupy"]


def test_did_you_mean_offers_the_closest_known_words():
    assert suggestion("recovry housng", {"recovery", "housing", "hosting"}) == "recovery housing"
    assert suggestion("recovery", {"recovery"}) is None


# Searching --------------------------------------------------------------------------------------


def test_a_service_that_says_the_brand_name_is_found_by_the_directory_word(near_worcester):
    service("Pharmacy program", description="Narcan without a prescription.")
    assert {"Overdose prevention", "Pharmacy program"} <= set(names("naloxone"))
    assert {"Overdose prevention", "Pharmacy program"} <= set(names("narcan"))


@pytest.mark.parametrize("typed", ["narcann", "suboxon", "buprenorphin"])
def test_misspelled_searches_find_the_places(near_worcester, typed):
    page = service_search(query=SearchQuery(words=typed, zip_code="01602", miles=10))
    assert page.count == 1
    assert page.results[0].service.name in ("Overdose prevention", "Office-based treatment")


def test_did_you_mean_when_nothing_is_found(near_worcester, settings):
    page = service_search(query=SearchQuery(words="grocries", zip_code="01602", miles=10))
    assert page.count == 0
    assert page.did_you_mean is None  # nothing close that finds something
    service("Groceries to go", terms=(term("food", "Groceries"),))
    page = service_search(query=SearchQuery(words="grocries", zip_code="01602", miles=10))
    assert page.count == 0
    assert page.did_you_mean == "groceries"


def test_the_page_says_what_was_searched_and_offers_did_you_mean(client, near_worcester):
    html = client.get("/find-help/", {"q": "narcann", "zip": "01602"}).content.decode()
    assert "<strong>naloxone</strong>" in html and "“narcann” read as “narcan”" in html
    assert "Overdose prevention" in html
    service("Groceries to go", terms=(term("food", "Groceries"),))
    html = client.get("/find-help/", {"q": "grocries", "zip": "01602"}).content.decode()
    assert "Did you mean" in html and "q=groceries&amp;zip=01602" in html


def test_the_api_understands_the_same_words(client, near_worcester):
    body = client.get("/api/v1/directory/services", {"q": "AA meeting", "zip": "01602"}).json()
    assert [item["name"] for item in body["items"]] == ["Tuesday Night AA Group"]
    assert body["searched_for"] == "mutual-aid meeting"
    body = client.get("/api/v1/directory/services", {"q": "suboxon", "zip": "01602"}).json()
    assert [item["name"] for item in body["items"]] == ["Office-based treatment"]
    assert body["did_you_mean"] is None


# The synonym table (organization admins) ------------------------------------------------------

WORDS = "/find-help/words/"


def test_an_admin_adds_a_synonym_and_search_follows_at_once(client_for, ada, near_worcester):
    service("Harbor House", description="A peer-run recovery residence for women.")
    assert names("three quarter house") == []
    response = client_for(ada).post(
        WORDS, {"phrase": "Three-Quarter  House", "means": "recovery residence"}
    )
    assert response.status_code == 302
    synonym = SearchSynonym.objects.get(phrase="three-quarter house")
    assert synonym.organization == member_of(ada).organization
    assert names("three-quarter house") == ["Harbor House"]
    event = AuditEvent.objects.get(action="findhelp.synonym_added")
    assert event.details == {"phrase": "three-quarter house", "means": "recovery residence"}


def test_changing_and_removing_a_synonym_reindexes_the_services_that_say_it(
    client_for, ada, near_worcester
):
    service("Pharmacy program", description="Narcan without a prescription.")
    narcan = SearchSynonym.objects.get(phrase="narcan")
    client = client_for(ada)
    assert client.get(f"{WORDS}{narcan.pk}/").status_code == 200
    client.post(f"{WORDS}{narcan.pk}/", {"phrase": "narcan", "means": "opioid antidote"})
    assert names("opioid antidote") == ["Pharmacy program"]
    client.post(f"{WORDS}{narcan.pk}/remove/")
    assert not SearchSynonym.objects.filter(phrase="narcan").exists()
    assert names("opioid antidote") == []
    assert names("narcan") == ["Pharmacy program"]  # as typed, without the synonym
    assert AuditEvent.objects.filter(action="findhelp.synonym_removed").count() == 1


def test_mistakes_are_said_beside_the_field_and_what_was_typed_stays(client_for, ada):
    client = client_for(ada)
    response = client.post(WORDS, {"phrase": "Narcan", "means": "naloxone kits"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Find Help already reads these words" in html and "naloxone kits" in html
    response = client.post(WORDS, {"phrase": "peer", "means": "Peer"})
    assert "This is the same as what people say" in response.content.decode()
    response = client.post(WORDS, {"phrase": "a b c d e", "means": "x"})
    assert "Use 4 words or fewer." in response.content.decode()


def test_another_organizations_synonym_is_theirs(client_for, ada, olive):
    theirs = SearchSynonym.objects.create(
        phrase="lake house", means="recovery residence", organization=member_of(olive).organization
    )
    client = client_for(ada)
    assert "lake house" in client.get(WORDS).content.decode()  # seen, read only
    assert client.get(f"{WORDS}{theirs.pk}/").status_code == 404
    assert client.post(f"{WORDS}{theirs.pk}/remove/").status_code == 404
    assert SearchSynonym.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("who", ["pat", "sam"])
def test_only_admins_keep_the_synonym_table(client_for, request, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(WORDS).status_code == 403
    assert client.post(WORDS, {"phrase": "x y", "means": "z"}).status_code == 403
