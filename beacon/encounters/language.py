"""Gentle person-first language hints for notes (DOMAIN.md: non-judgmental language).

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
        "relapse",
        ("relapse", "relapsed", "relapses", "relapsing"),
        (_("return to use"), _("returned to use")),
        _(
            "Many people prefer “return to use”: it is part of many recovery journeys, not a "
            "failure. Use the person's own words where they prefer them."
        ),
    ),
)

# "user" is common in ordinary sentences ("new user account"): only match it as a label, when
# it follows a word about substances.
_CONTEXTUAL = {"user": r"(?:drug|heroin|opioid|meth|crack|iv|needle)\s+", "users": None}
_CONTEXTUAL["users"] = _CONTEXTUAL["user"]


def _pattern() -> re.Pattern[str]:
    parts = []
    for index, term in enumerate(TERMS):
        forms = []
        for form in sorted(term.forms, key=len, reverse=True):
            words = r"[\s-]+".join(re.escape(w) for w in re.split(r"[\s-]+", form))
            prefix = _CONTEXTUAL.get(form)
            forms.append(f"(?:{prefix}){words}" if prefix else words)
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
