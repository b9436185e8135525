import pytest

from beacon.learn.language import language_hints


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


@pytest.mark.parametrize(
    ("text", "found", "suggestion"),
    [
        ("Jordan was a no-show again", "no-show", "missed the appointment"),
        ("two no shows this month", "no shows", "missed the appointment"),
        ("she no-showed on Tuesday", "no-showed", "missed the appointment"),
        ("a frequent flyer at the ER", "frequent flyer", "visits often"),
        ("ED staff call him a frequent flier", "frequent flier", "visits often"),
        ("labelled drug seeking at the clinic", "drug seeking", "asked for pain relief"),
        ("Drug-seeking behavior noted", "Drug-seeking", "asked for pain relief"),
        ("a known drug seeker", "drug seeker", "asked for pain relief"),
        ("an IV user for ten years", "IV user", "person who uses drugs"),
        ("a drug user", "drug user", "person who uses drugs"),
        ("He says he is a user.", "a user", "person who uses drugs"),
        ("She was an active user then", "active user", "person who uses drugs"),
        ("They were heavy users", "heavy users", "person who uses drugs"),
        ("former users who found recovery", "former users", "person who uses drugs"),
    ],
)
def test_no_show_frequent_flyer_drug_seeking_and_user_are_hinted(text, found, suggestion):
    [hint] = language_hints(text)
    assert hint.term == found
    assert suggestion in hint.suggestions


@pytest.mark.parametrize(
    "text",
    [
        "Set up a user account and a username for the portal.",
        "Helped her with the user interface of the benefits site.",
        "The user name and user ID were wrong; we read the user guide.",
        "He is a wheelchair user and needs a ramp.",
        "She is a new user of the library and a regular user of the bus.",
        "Users of the app can reset passwords; end users and power users alike.",
        "superuser, reuser, user-friendly form, useful, used, users' guide",
        "There was no showing of the film.",
        "She is seeking drug treatment; seeking help with drugs.",
        "Frequent visits to the flyer board.",
    ],
)
def test_no_false_positives_for_the_new_terms(text):
    assert terms(text) == []
