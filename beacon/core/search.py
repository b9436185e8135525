"""Search text: what every free-text search takes from a person before it reaches SQL.

One normalizer for every search box and filter that is matched against stored text (Find
Help's page and open API, the participant search, directory curation, the referral form's
directory search, the audit trail's person filter), on SQLite and PostgreSQL alike:

* `normalize()`: Unicode NFKC (full-width letters, ligatures and compatibility forms become
  the plain ones people type); control characters (NUL included), lone surrogates and
  invisible format characters dropped (zero-width joiners kept: some scripts and emoji need
  them); every run of whitespace one space, none at either end. Never raises.
* `clean()`: normalize, then bound: at most `MAX_CHARS` characters (as sent, and once
  normalized: compatibility forms may grow) and `MAX_WORDS` words. Over the limit is refused
  with a message naming the limit, never trimmed: a search that quietly drops the words it was
  given would answer another question. Forms (`SearchField`) show it beside the field; the API
  (`SearchText`) answers 422 naming the field.
* `search_words()`: what selectors use, whoever called them: normalized words, at most
  `MAX_WORDS` (a caller that skipped `clean()` gets the first ones). So SQL never sees a NUL or
  more than `MAX_WORDS` words, whatever the entry point.

The choice and the numbers: docs/security-proof.md ("Search input").
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

MAX_CHARS = 200
MAX_WORDS = 12
# Control (Cc), format (Cf) and surrogate (Cs) characters: none of them is something a person
# searches for. PostgreSQL refuses NUL in text, SQLite's FTS5 ends a string at it, and a lone
# surrogate cannot be encoded for either.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs"}
# Zero-width non-joiner and joiner: part of how Persian, Indic scripts and emoji are written.
_KEPT_FORMAT = {"\u200c", "\u200d"}


def normalize(text: str) -> str:
    """`text` as it is searched for: NFKC, control and invisible characters dropped,
    whitespace collapsed to single spaces, stripped."""
    kept = []
    for char in text:
        if char.isspace():
            kept.append(" ")
        elif unicodedata.category(char) in _DROPPED_CATEGORIES and char not in _KEPT_FORMAT:
            continue
        else:
            kept.append(char)
    return " ".join(unicodedata.normalize("NFKC", "".join(kept)).split())


def _too_long(count: int, limit: int) -> ValidationError:
    return ValidationError(
        ngettext(
            "Search with %(limit)d character or fewer (this has %(count)d).",
            "Search with %(limit)d characters or fewer (this has %(count)d).",
            limit,
        )
        % {"limit": limit, "count": count},
        code="search_too_long",
    )


def clean(text: str, *, max_chars: int = MAX_CHARS, max_words: int = MAX_WORDS) -> str:
    """The normalized text, or ValidationError when it is over either limit."""
    if len(text) > max_chars:
        # Checked before normalizing, so an enormous value costs nothing to refuse.
        raise _too_long(len(text), max_chars)
    text = normalize(text)
    if len(text) > max_chars:
        raise _too_long(len(text), max_chars)
    words = len(text.split())
    if words > max_words:
        raise ValidationError(
            ngettext(
                "Search with %(limit)d word or fewer (this has %(count)d).",
                "Search with %(limit)d words or fewer (this has %(count)d).",
                max_words,
            )
            % {"limit": max_words, "count": words},
            code="search_too_many_words",
        )
    return text


def search_words(text: str | None, *, max_words: int = MAX_WORDS) -> list[str]:
    """The words a selector searches for: normalized, at most `max_words` of them."""
    # Cut before normalizing (a caller that skipped clean() may pass anything): room for the
    # words within MAX_CHARS even with spaces and dropped characters around them.
    return normalize((text or "")[: MAX_CHARS * 4]).split()[:max_words]


def search_text(text: str | None, *, max_words: int = MAX_WORDS) -> str:
    """search_words() joined again: for a search that also reads the text as a whole (a phone
    number, a record number)."""
    return " ".join(search_words(text, max_words=max_words))


class SearchField(forms.CharField):
    """A search box: normalized, and over `max_chars` or `max_words` a form error beside it."""

    def __init__(self, *, max_chars: int = MAX_CHARS, max_words: int = MAX_WORDS, **kwargs):
        kwargs.setdefault("required", False)
        self.max_chars, self.max_words = max_chars, max_words
        super().__init__(**kwargs)

    def to_python(self, value):
        return clean(super().to_python(value), max_chars=self.max_chars, max_words=self.max_words)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs["maxlength"] = str(self.max_chars)
        return attrs


class SearchBox(forms.Form):
    """The one search box of a page that has no other form fields (`q`)."""

    q = SearchField(label=_("Search"))

    @property
    def text(self) -> str:
        """The normalized words when valid, else "" (the page shows the error instead)."""
        return self.cleaned_data["q"] if self.is_valid() else ""

    @property
    def error(self) -> str:
        return " ".join(self.errors.get("q", [])) if self.is_bound else ""


#: The OpenAPI mark of a text that is normalized (control characters removed) before it is used.
NORMALIZED_MARK = "x-beacon-normalized"


def _api_clean(max_chars: int, max_words: int):
    def check(value: str) -> str:
        try:
            return clean(value, max_chars=max_chars, max_words=max_words)
        except ValidationError as exc:
            # The message as the API's 422 shows it beside the field (no "Value error, ").
            raise PydanticCustomError(exc.code or "search_text", exc.messages[0]) from None

    return AfterValidator(check)


def api_search_text(*, max_chars: int = MAX_CHARS, max_words: int = MAX_WORDS):
    """An API query parameter type: normalized, refused over the limits (422 naming it)."""
    return Annotated[
        str,
        _api_clean(max_chars, max_words),
        # Search text is not refused for a NUL or another control character: they are removed
        # before it is matched (the OpenAPI walk, beacon/api/tests/test_openapi_bounds.py, reads
        # this mark in place of a pattern that refuses NUL).
        Field(json_schema_extra={"maxLength": max_chars, NORMALIZED_MARK: True}),
    ]


SearchText = api_search_text()
