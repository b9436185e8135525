"""Person-first language: the one list of words behind the hints in encounter notes and the
public person-first language guide at /glossary/ (DOMAIN.md: non-judgmental language).

Hints never block saving: they point out a word and offer words many people prefer. Matching is
whole-word and case-insensitive ("clean" is pointed out, "cleanup" and "clean-up" are not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Term:
    key: str
    forms: tuple[str, ...]  # the words or phrases that are matched, lower case
    suggestions: tuple[Promise | str, ...]
    why: Promise | str


@dataclass(frozen=True)
class GuideEntry:
    """One line of the public guide: the words to leave behind, the words to use, and why."""

    key: str
    instead_of: tuple[str, ...]
    say: tuple[str, ...]
    why: str

    @property
    def search_text(self) -> str:
        return " ".join((*self.instead_of, *self.say, self.why)).lower()


@dataclass(frozen=True)
class Hint:
    term: str  # as written in the note ("Addict")
    suggestions: tuple[str, ...]
    why: str


_LABEL_WHY = _("Labels reduce a person to a condition; person-first words keep the person first.")
_JUDGE_WHY = _(
    "Words of dirt and cleanliness carry judgement and shame; describe the fact instead."
)

# Longer phrases first: "clean time" is one hint, not also "clean".
TERMS: tuple[Term, ...] = (
    Term(
        "clean_time",
        ("clean time", "clean date"),
        (_("time in recovery"), _("recovery date")),
        _JUDGE_WHY,
    ),
    Term(
        "substance_abuse",
        ("substance abuse", "drug abuse", "alcohol abuse", "drug abuser", "drug abusers"),
        (_("substance use"), _("substance use disorder")),
        _("“Abuse” implies wrongdoing; “use” and “use disorder” describe a health condition."),
    ),
    Term(
        "drug_habit",
        ("drug habit", "drinking habit", "heroin habit", "meth habit"),
        (_("substance use disorder"), _("substance use")),
        _("“Habit” suggests a choice that willpower alone could stop."),
    ),
    Term(
        "dirty_test",
        ("dirty urine", "dirty test", "dirty screen", "dirty uds"),
        (_("positive test"), _("tested positive")),
        _JUDGE_WHY,
    ),
    Term(
        "clean_test",
        ("clean urine", "clean test", "clean screen", "clean uds"),
        (_("negative test"), _("tested negative")),
        _JUDGE_WHY,
    ),
    Term(
        "non_compliant",
        ("non-compliant", "noncompliant", "non compliant", "non-compliance", "noncompliance"),
        (_("chose not to"), _("not ready"), _("has other priorities right now")),
        _("Recovery is the person's own choice; describe what they chose, not a failure to obey."),
    ),
    Term(
        "addict",
        ("addict", "addicts", "junkie", "junkies", "druggie", "druggies", "user", "users"),
        (_("person with a substance use disorder"), _("person who uses drugs")),
        _LABEL_WHY,
    ),
    Term(
        "drug_seeking",
        ("drug seeking", "drug seeker", "drug seekers", "med seeking", "medication seeking"),
        (_("asked for pain relief"), _("asked for medication"), _("describe what was asked for")),
        _(
            "“Drug seeking” doubts the person's pain or need before anyone has listened; say "
            "what they asked for and why."
        ),
    ),
    Term(
        "frequent_flyer",
        ("frequent flyer", "frequent flyers", "frequent flier", "frequent fliers"),
        (_("visits often"), _("comes in often"), _("has many needs right now")),
        _("A nickname for someone who needs care often mocks that need; describe the visits."),
    ),
    Term(
        "abuser",
        ("abuser", "abusers"),
        (_("person with a substance use disorder"), _("person who uses drugs")),
        _LABEL_WHY,
    ),
    Term(
        "alcoholic",
        ("alcoholic", "alcoholics", "drunk", "drunks"),
        (_("person with an alcohol use disorder"), _("person who drinks")),
        _LABEL_WHY,
    ),
    Term(
        "clean",
        ("clean",),
        (_("in recovery"), _("not using"), _("negative test")),
        _JUDGE_WHY,
    ),
    Term(
        "dirty",
        ("dirty",),
        (_("positive test"), _("using")),
        _JUDGE_WHY,
    ),
    Term(
        "no_show",
        ("no-show", "no-shows", "no-showed"),
        (_("missed the appointment"), _("did not come"), _("could not make it")),
        _(
            "“No-show” blames the person; many things keep people from coming. Say what "
            "happened: the appointment was missed."
        ),
    ),
    Term(
        "relapse",
        ("relapse", "relapsed", "relapses", "relapsing"),
        (_("return to use"), _("returned to use")),
        _(
            "Many people prefer “return to use”: it is part of many recovery journeys, not a "
            "failure. Use the person's own words where they prefer them."
        ),
    ),
)

# "user" is common in ordinary sentences ("new user account", "the user interface", "a wheelchair
# user"): it is a label only about a person's substance use. So it is hinted after a word about
# substances or about using ("IV user", "drug user", "heavy user") or as the whole description of
# someone ("is a user", "were users"), and never as the first half of a compound ("user account").
_USER_BEFORE = (
    r"(?:(?:drug|heroin|opioid|opiate|meth|crack|cocaine|fentanyl|iv|needle|injection|injecting"
    r"|intravenous|polysubstance|substance|active|heavy|chronic|daily|former|current|habitual"
    r"|a|an|are|were)\s+)"
)
_USER_NOT_AFTER = (
    r"(?![\s-]+(?:account|accounts|interface|interfaces|name|names|id|ids|guide|guides|manual"
    r"|portal|profile|profiles|settings|login|password|experience|group|groups|role|roles"
    r"|agreement|data|access|support|testing|research|review|story|stories)\b)"
)
_CONTEXTUAL = dict.fromkeys(("user", "users"), (_USER_BEFORE, _USER_NOT_AFTER))
# A fellowship's own name is no label: "went to Alcoholics Anonymous" is not pointed out.
_CONTEXTUAL |= dict.fromkeys(("alcoholic", "alcoholics"), ("", r"(?![\s-]+anonymous\b)"))


def _pattern() -> re.Pattern[str]:
    parts = []
    for index, term in enumerate(TERMS):
        forms = []
        for form in sorted(term.forms, key=len, reverse=True):
            words = r"[\s-]+".join(re.escape(w) for w in re.split(r"[\s-]+", form))
            before, not_after = _CONTEXTUAL.get(form, ("", ""))
            forms.append(f"{before}{words}{not_after}")
        parts.append(f"(?P<t{index}>{'|'.join(forms)})")
    # Whole words only: no letter, digit, underscore or hyphen on either side.
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


_PATTERN = _pattern()


def language_hints(text: str) -> list[Hint]:
    """The hints for `text`, once per term, in the order they first appear."""
    hints: list[Hint] = []
    seen: set[str] = set()
    for match in _PATTERN.finditer(text or ""):
        index = int(next(name for name, value in match.groupdict().items() if value)[1:])
        term = TERMS[index]
        if term.key in seen:
            continue
        seen.add(term.key)
        hints.append(
            Hint(
                term=" ".join(match.group(0).split()),
                suggestions=tuple(str(s) for s in term.suggestions),
                why=str(term.why),
            )
        )
    return hints


def _squash(words: str) -> str:
    return words.replace("-", "").replace(" ", "")


def _variants(form: str) -> set[str]:
    """A word's own spellings and endings ("no-show": "noshows", "noshowed"...)."""
    word = _squash(form)
    return {word, word + "s", word + "es", word + "d", word + "ed", word.removesuffix("e") + "ing"}


def language_guide() -> list[GuideEntry]:
    """The person-first language guide, from the same TERMS as the hints: each term's words
    (plurals and spelling variants of a word already shown left out), what to say instead and
    why, in the order of TERMS."""
    entries = []
    for term in TERMS:
        shown: list[str] = []
        for form in term.forms:
            if _squash(form) not in {v for s in shown for v in _variants(s)}:
                shown.append(form)
        entries.append(
            GuideEntry(
                key=term.key,
                instead_of=tuple(shown),
                say=tuple(str(s) for s in term.suggestions),
                why=str(term.why),
            )
        )
    return entries
