import pytest
from django.core.exceptions import ValidationError

from beacon.core.search import (
    MAX_CHARS,
    MAX_WORDS,
    SearchBox,
    clean,
    normalize,
    search_text,
    search_words,
)

# "I want" in Persian, written with a zero-width non-joiner.
PERSIAN = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"


@pytest.mark.parametrize(
    ("sent", "searched"),
    [
        ("a\x00b", "ab"),  # NUL: PostgreSQL refuses it, SQLite's FTS5 ends a string at it
        ("  Jordan\t\nRivers\r ", "Jordan Rivers"),
        ("\x1fJordan\x7f\x1b", "Jordan"),
        ("\uff2a\uff4f\uff52\uff44\uff41\uff4e", "Jordan"),  # full-width letters (NFKC)
        ("ﬁle", "file"),  # a ligature
        ("Jor\u200bdan\ufeff", "Jordan"),  # zero-width space, byte-order mark
        ("\u202eJordan\u202c", "Jordan"),  # bidirectional overrides
        ("Jor\ud800dan", "Jordan"),  # a lone surrogate (no encoding takes it)
        (PERSIAN, PERSIAN),  # the zero-width non-joiner inside is part of the word
        ('"meeting" NEAR(a b) col:x -y *', '"meeting" NEAR(a b) col:x -y *'),
        ("", ""),
    ],
)
def test_normalize(sent, searched):
    assert normalize(sent) == searched


def test_clean_refuses_over_the_limits_with_the_limit_named():
    assert clean(" ".join(["word"] * MAX_WORDS)) == " ".join(["word"] * MAX_WORDS)
    with pytest.raises(ValidationError) as words:
        clean(" ".join(["word"] * (MAX_WORDS + 1)))
    assert words.value.messages == [f"Search with {MAX_WORDS} words or fewer (this has 13)."]
    assert clean("x" * MAX_CHARS) == "x" * MAX_CHARS
    with pytest.raises(ValidationError) as chars:
        clean("x" * (MAX_CHARS + 1))
    assert chars.value.messages == [
        f"Search with {MAX_CHARS} characters or fewer (this has {MAX_CHARS + 1})."
    ]
    # Compatibility forms may grow when normalized: the limit holds for what is searched.
    with pytest.raises(ValidationError):
        clean("\ufdfa" * 20)


def test_selectors_words_are_bounded_whoever_calls_them():
    text = " ".join(f"w{i}" for i in range(1000)) + "\x00"
    assert search_words(text) == [f"w{i}" for i in range(MAX_WORDS)]
    assert search_words("a\x00b  c") == ["ab", "c"]
    assert search_words(None) == []
    assert search_text("  #12\x00 ") == "#12"


def test_search_box_shows_the_error_and_searches_for_nothing():
    box = SearchBox({"q": " ".join(["w"] * 100)})
    assert box.text == ""
    assert box.error == "Search with 12 words or fewer (this has 100)."
    assert "characters or fewer" in SearchBox({"q": " ".join(["w"] * 1000)}).error
    assert SearchBox({"q": "jor\x00dan"}).text == "jordan"
    assert 'maxlength="200"' in str(SearchBox()["q"])
