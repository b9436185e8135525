"""Find Help in people's words: the synonym table applied to a search and to the index, small
misspellings, and "did you mean". Plain Python over a small vocabulary, so SQLite and PostgreSQL
find exactly the same services (docs/findhelp.md, "Find Help in people's words").

How a synonym works, both ways at once:
  * in the index (index._build_chunk): a service whose text says a phrase as whole words
    ("Narcan", "Tuesday night AA group") gets the phrase's meaning added to its searched text
    ("naloxone", "mutual-aid meeting");
  * in a search: the phrase typed is replaced by its meaning, whose words are then searched as
    any words are (every word somewhere, inside words too).
So "narcan" finds the services that say naloxone and those that say Narcan, and the search
itself stays the indexed AND of words it was (docs/decisions/0004), whatever the synonyms.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from beacon.core.search import normalize

# Bounds of one synonym: what a person types and what it means, in words.
MAX_PHRASE_WORDS = 4
MAX_MEANING_WORDS = 5
_EDGE_PUNCTUATION = string.punctuation.replace("-", "").replace("+", "")


def key_words(text: str) -> tuple[str, ...]:
    """A phrase as synonyms compare it: normalized, case folded, split into words, each without
    the punctuation around it ("AA," and "aa" are one word; "12-step" keeps its hyphen)."""
    words = (w.strip(_EDGE_PUNCTUATION) for w in normalize(text).casefold().split())
    return tuple(w for w in words if w)


def allowed_typos(word: str) -> int:
    """Edits tolerated in a word: none up to four letters (too many short words are one letter
    apart), one up to seven, two beyond."""
    if len(word) <= 4:
        return 0
    return 1 if len(word) <= 7 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions, swaps of two
    neighbours), or limit + 1 as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _close(typed: str, known: str) -> bool:
    """`typed` is `known` misspelled a little (or cut short by a letter or two)."""
    if typed == known:
        return True
    limit = allowed_typos(known)
    return limit > 0 and len(typed) >= 4 and edit_distance(typed, known, limit) <= limit


@dataclass(frozen=True)
class Vocabulary:
    """The synonym table as searches and the index use it."""

    # phrase words -> meaning words
    meanings: dict[tuple[str, ...], tuple[str, ...]]
    # Whole-word matcher of every phrase in folded text (None when there are no synonyms).
    pattern: re.Pattern | None
    longest: int
    # Every word of a phrase or a meaning: what misspellings are corrected towards.
    words: frozenset[str]

    def meanings_in(self, folded_text: str) -> list[str]:
        """The meanings of the phrases `folded_text` says as whole words, each once, sorted."""
        if self.pattern is None:
            return []
        found = {tuple(m.group(0).split()) for m in self.pattern.finditer(folded_text)}
        return sorted({" ".join(self.meanings[f]) for f in found if f in self.meanings})


def vocabulary(pairs: Iterable[tuple[str, str]]) -> Vocabulary:
    """A Vocabulary from (phrase, meaning) pairs as stored (cached by their values: a search
    reads the table, and builds its matcher only when the table changed)."""
    return _vocabulary(tuple(sorted(pairs)))


@lru_cache(maxsize=16)
def _vocabulary(pairs: tuple[tuple[str, str], ...]) -> Vocabulary:
    meanings: dict[tuple[str, ...], tuple[str, ...]] = {}
    for phrase, meaning in pairs:
        p, m = key_words(phrase), key_words(meaning)
        if p and m and p != m:
            meanings[p] = m
    words = frozenset(w for p, m in meanings.items() for w in (*p, *m))
    pattern = None
    if meanings:
        # Longest first, so "aa meeting" wins over "aa"; \s+ between words, as text wraps.
        alternatives = sorted(meanings, key=lambda p: (-len(" ".join(p)), p))
        body = "|".join(r"\s+".join(re.escape(w) for w in p) for p in alternatives)
        pattern = re.compile(rf"(?<![\w-])(?:{body})(?![\w-])")
    return Vocabulary(
        meanings=meanings,
        pattern=pattern,
        longest=max((len(p) for p in meanings), default=0),
        words=words,
    )


@dataclass
class Interpretation:
    """What a search looked for, and why."""

    # The words searched for (folded), synonyms replaced and misspellings corrected.
    words: list[str]
    # (typed, understood) for each word read as a misspelling of a word Find Help knows.
    corrected: list[tuple[str, str]] = field(default_factory=list)
    # (phrase, meaning) for each everyday phrase replaced by the directory's words.
    replaced: list[tuple[str, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.words)


@lru_cache(maxsize=8192)
def _nearest_known(word: str, known_words: frozenset[str]) -> str | None:
    """The closest of `known_words` that `word` is a small misspelling of (ties: the first in
    order), or None. Cached: people type the same words, and the table rarely changes (its
    frozenset, kept by the cached vocabulary, hashes once)."""
    best = None
    for known in sorted(known_words):
        if known == word or not _close(word, known):
            continue
        distance = edit_distance(word, known, 2)
        if best is None or distance < best[0]:
            best = (distance, known)
    return best[1] if best else None


def _correct(
    word: str, vocab: Vocabulary, in_directory: Callable[[str], bool] | None
) -> str | None:
    """The vocabulary word `word` is a misspelling of, or None. A word cut short ("suboxon") is
    always read as the longer one; another near miss only when no service says `word` itself
    (`in_directory`), so a real word one letter from a synonym is searched as typed."""
    if word in vocab.words or len(word) < 4:
        return None
    known = _nearest_known(word, vocab.words)
    if known is None:
        return None
    if known.startswith(word) or in_directory is None or not in_directory(word):
        return known
    return None


def interpret(
    text: str,
    vocab: Vocabulary,
    *,
    in_directory: Callable[[str], bool] | None = None,
    max_words: int = 12,
) -> Interpretation:
    """The words to search for `text`: misspellings of the vocabulary's words corrected, then
    each everyday phrase (longest first) replaced by its meaning; other words exactly as typed
    (folded), punctuation and all, as the search always read them."""
    typed = normalize(text).casefold().split()[:max_words]
    corrected: list[tuple[str, str]] = []
    keys: list[str] = []
    for token in typed:
        key = token.strip(_EDGE_PUNCTUATION)
        better = _correct(key, vocab, in_directory) if key else None
        if better:
            corrected.append((key, better))
        keys.append(better or key)
    out: list[str] = []
    replaced: list[tuple[str, str]] = []
    i = 0
    while i < len(typed):
        for size in range(min(vocab.longest, len(typed) - i), 0, -1):
            phrase = tuple(keys[i : i + size])
            meaning = vocab.meanings.get(phrase) if all(phrase) else None
            if meaning:
                replaced.append((" ".join(phrase), " ".join(meaning)))
                out.extend(meaning)
                i += size
                break
        else:
            # A corrected word is searched corrected; any other as typed.
            out.append(keys[i] if keys[i] != typed[i].strip(_EDGE_PUNCTUATION) else typed[i])
            i += 1
    return Interpretation(
        words=list(dict.fromkeys(out)), corrected=corrected, replaced=list(dict.fromkeys(replaced))
    )


def suggestion(text: str, choices: Iterable[str]) -> str | None:
    """ "Did you mean": `text` with each word that is close to one of `choices` (and not one of
    them) replaced by the closest; None when nothing changes."""
    known = sorted(set(choices))
    known_set = set(known)
    changed = False
    out = []
    for word in key_words(text):
        best = None
        if word not in known_set and len(word) >= 4:
            for candidate in known:
                limit = max(1, allowed_typos(candidate))
                if abs(len(candidate) - len(word)) > limit:
                    continue
                distance = edit_distance(word, candidate, limit)
                if distance <= limit and (best is None or distance < best[0]):
                    best = (distance, candidate)
        if best:
            changed = True
            out.append(best[1])
        else:
            out.append(word)
    return " ".join(out) if changed else None


@lru_cache(maxsize=64)
def name_words(names: tuple[str, ...]) -> frozenset[str]:
    """The words of some names (taxonomy terms), folded, four letters or more."""
    return frozenset(w for name in names for w in key_words(name) if len(w) >= 4)
