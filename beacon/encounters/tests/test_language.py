import pytest

from beacon.encounters.language import language_hints


def terms(text):
    return [h.term for h in language_hints(text)]


def test_a_stigmatizing_word_gets_alternatives_and_a_reason():
    [hint] = language_hints("He is an addict.")
    assert hint.term == "addict"
    assert "person with a substance use disorder" in hint.suggestions
    assert hint.why


@pytest.mark.parametrize(
    ("text", "found", "suggestion"),
    [
        ("ADDICT", "ADDICT", "person with a substance use disorder"),
        ("Junkies at the park", "Junkies", "person who uses drugs"),
        ("an abuser of pills", "abuser", "person with a substance use disorder"),
        ("She has been Clean for 30 days", "Clean", "in recovery"),
        ("a dirty screen", "dirty screen", "positive test"),
        ("He relapsed last week", "relapsed", "return to use"),
        ("his father was an alcoholic", "alcoholic", "person with an alcohol use disorder"),
        ("history of substance abuse", "substance abuse", "substance use"),
        ("her drug habit", "drug habit", "substance use disorder"),
        ("two years clean time", "clean time", "time in recovery"),
        ("non-compliant with the plan", "non-compliant", "chose not to"),
        ("a heroin user", "heroin user", "person with a substance use disorder"),
    ],
)
def test_each_term_is_found_whatever_its_case(text, found, suggestion):
    [hint] = language_hints(text)
    assert hint.term == found
    assert suggestion in hint.suggestions


@pytest.mark.parametrize(
    "text",
    [
        "Helped with the cleanup of the apartment.",
        "Clean-up day at the recovery center.",
        "He cleaned the kitchen and is a cleaner at the hospital.",
        "Set up a new user account for the portal.",
        "Addiction treatment referral.",
        "Healthy habits: sleep and walks.",
        "",
    ],
)
def test_no_false_positives_on_other_words(text):
    assert terms(text) == []


def test_each_term_once_in_order_of_appearance():
    assert terms("clean, then relapse, then clean again, an addict") == [
        "clean",
        "relapse",
        "addict",
    ]


def test_clean_time_is_one_hint_not_two():
    assert terms("Celebrating clean time") == ["clean time"]
