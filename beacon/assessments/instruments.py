"""The instruments Beacon knows by heart: BARC-10 and the stages of change.

BARC-10 (Brief Assessment of Recovery Capital; Vilsaint et al., Drug Alcohol Depend
2017;177:71-76) is freely available, no permission required (PhenX protocol 590502). Its items
are kept here word for word as published (../shared/DOMAIN.md): changing a word changes the
instrument, and old answers would no longer mean what they meant.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beacon.participants.models import StageOfChange

BARC10_NAME = "BARC-10"
BARC10_SOURCE = (
    "Vilsaint CL, Kelly JF, Bergman BG, et al. Development and validation of a Brief "
    "Assessment of Recovery Capital (BARC-10) for alcohol and drug use disorder. "
    "Drug Alcohol Depend. 2017;177:71-76."
)

# Verbatim, in the published order; item n is BARC10_ITEMS[n - 1]. Never translated in storage.
BARC10_ITEMS: tuple[str, ...] = (
    "There are more important things to me in life than using substances.",
    "In general I am happy with my life.",
    "I have enough energy to complete the tasks I set myself.",
    "I am proud of the community I live in and feel part of it.",
    "I get lots of support from friends.",
    "I regard my life as challenging and fulfilling without the need for using drugs or alcohol.",
    "My living space has helped to drive my recovery journey.",
    "I take full responsibility for my actions.",
    "I am happy dealing with a range of professional people.",
    "I am making good progress on my recovery journey.",
)
BARC10_ITEM_NUMBERS: tuple[int, ...] = tuple(range(1, len(BARC10_ITEMS) + 1))

# The published six-point agreement scale: 1 = strongly disagree ... 6 = strongly agree.
SCALE_MIN, SCALE_MAX = 1, 6
BARC10_SCALE: dict[int, Any] = {
    1: gettext_lazy("Strongly disagree"),
    2: gettext_lazy("Disagree"),
    3: gettext_lazy("Somewhat disagree"),
    4: gettext_lazy("Somewhat agree"),
    5: gettext_lazy("Agree"),
    6: gettext_lazy("Strongly agree"),
}
TOTAL_MIN = SCALE_MIN * len(BARC10_ITEMS)  # 10
TOTAL_MAX = SCALE_MAX * len(BARC10_ITEMS)  # 60

# Context, never a judgement: in the validation study a total of 47 or more predicted sustained
# remission. Beacon shows it as a reference line, never as pass or fail.
BARC10_REFERENCE = 47
BARC10_REFERENCE_LABEL = gettext_lazy("47: level linked with sustained remission in research")
BARC10_REFERENCE_SOURCE = "Vilsaint et al., Drug Alcohol Depend 2017;177:71-76"

# A change this large (in either direction) since the first assessment is pointed out.
NOTABLE_CHANGE = 5


def barc10_item_text(number: int) -> str:
    return BARC10_ITEMS[number - 1]


def barc10_item_message(number: int) -> str:
    return _("Item %(number)d (%(text)s) needs an answer from %(low)d to %(high)d.") % {
        "number": number,
        "text": barc10_item_text(number),
        "low": SCALE_MIN,
        "high": SCALE_MAX,
    }


def _as_score(value: Any) -> int | None:
    """An answer as a whole number, or None when it is not one (booleans and fractions are not
    answers on this scale; "5" from a form is)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def barc10_answers_clean(answers: Any) -> dict[str, int]:
    """The ten answers as {"1": score, ..., "10": score}, or ValidationError naming each item
    that is missing or not a whole number from 1 to 6 (fields `answers.<n>`).

    Accepts a mapping by item number ({"1": 5} or {1: 5}) or a list of ten in item order.
    """
    if isinstance(answers, list | tuple):
        if len(answers) > len(BARC10_ITEMS):
            raise ValidationError(
                {"answers": _("BARC-10 has 10 items: send at most 10 answers, in item order.")}
            )
        by_number = {str(n): v for n, v in zip(BARC10_ITEM_NUMBERS, answers, strict=False)}
    elif isinstance(answers, dict):
        by_number = {str(k).strip(): v for k, v in answers.items()}
        unknown = sorted(set(by_number) - {str(n) for n in BARC10_ITEM_NUMBERS})
        if unknown:
            raise ValidationError(
                {
                    "answers": _("BARC-10 items are numbered 1 to 10; not an item: %(keys)s.")
                    % {"keys": ", ".join(unknown)}
                }
            )
    elif answers is None:
        by_number = {}
    else:
        raise ValidationError(
            {"answers": _("Send the answers by item number, or as a list of 10 in item order.")}
        )

    errors: dict[str, str] = {}
    cleaned: dict[str, int] = {}
    for number in BARC10_ITEM_NUMBERS:
        score = _as_score(by_number.get(str(number)))
        if score is None or not SCALE_MIN <= score <= SCALE_MAX:
            errors[f"answers.{number}"] = barc10_item_message(number)
        else:
            cleaned[str(number)] = score
    if errors:
        raise ValidationError(errors)
    return cleaned


def barc10_total(answers: dict[str, int]) -> int:
    """The total (10-60) of cleaned answers. Always computed here, never taken from a client."""
    return sum(answers[str(n)] for n in BARC10_ITEM_NUMBERS)


def barc10_score(answers: Any) -> tuple[dict[str, int], int]:
    """Clean the answers and compute the total in one step."""
    cleaned = barc10_answers_clean(answers)
    return cleaned, barc10_total(cleaned)


# Stages of change, each with a short plain description (for the form and the page).
STAGE_DESCRIPTIONS: dict[str, Any] = {
    StageOfChange.PRECONTEMPLATION: gettext_lazy("Not thinking about a change right now."),
    StageOfChange.CONTEMPLATION: gettext_lazy(
        "Thinking about a change, and weighing it up; not ready to start yet."
    ),
    StageOfChange.PREPARATION: gettext_lazy(
        "Getting ready: planning to start soon, maybe taking first small steps."
    ),
    StageOfChange.ACTION: gettext_lazy("Actively making the change now."),
    StageOfChange.MAINTENANCE: gettext_lazy(
        "Keeping the change going over time, and finding what helps it last."
    ),
}
