"""The screening questions of "Do I need treatment?" (/self-check/), and their scoring.

Both screens are in the public domain and kept here word for word as published
(../shared/DOMAIN.md): changing a word changes the instrument.

- AUDIT-C: Bush K, Kivlahan DR, McDonell MB, Fihn SD, Bradley KA. The AUDIT alcohol
  consumption questions (AUDIT-C): an effective brief screening test for problem drinking.
  Arch Intern Med. 1998;158(16):1789-1795. Cut-offs: Bradley KA et al. 2003 and 2007 (4 or
  more for men, 3 or more for women).
- The single-question drug screen: Smith PC, Schmidt SM, Allensworth-Davies D, Saitz R. A
  single-question screening test for drug use in primary care. Arch Intern Med.
  2010;170(13):1155-1160. One time or more is positive.

A screen is never a diagnosis: the result page says so, and points to a conversation and to
help. Nothing here stores or sends anything: these are plain functions of the answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

AUDITC_NAME = "AUDIT-C"
AUDITC_SOURCE = (
    "Bush K, Kivlahan DR, McDonell MB, Fihn SD, Bradley KA. The AUDIT alcohol consumption "
    "questions (AUDIT-C): an effective brief screening test for problem drinking. Arch Intern "
    "Med. 1998;158(16):1789-1795."
)
AUDITC_CUTOFF_SOURCE = (
    "Bradley KA, DeBenedetti AF, Volk RJ, et al. AUDIT-C as a brief screen for alcohol misuse "
    "in primary care. Alcohol Clin Exp Res. 2007;31(7):1208-1217."
)
DRUG_SCREEN_NAME = "Single-Question Drug Screen"
DRUG_SCREEN_SOURCE = (
    "Smith PC, Schmidt SM, Allensworth-Davies D, Saitz R. A single-question screening test for "
    "drug use in primary care. Arch Intern Med. 2010;170(13):1155-1160."
)

# The three AUDIT-C questions, about the past year, each answered 0-4 (the published options).
AUDITC_QUESTIONS: tuple[tuple[str, tuple[tuple[int, str], ...]], ...] = (
    (
        _("How often do you have a drink containing alcohol?"),
        (
            (0, _("Never")),
            (1, _("Monthly or less")),
            (2, _("2 to 4 times a month")),
            (3, _("2 to 3 times a week")),
            (4, _("4 or more times a week")),
        ),
    ),
    (
        _("How many drinks containing alcohol do you have on a typical day when you are drinking?"),
        (
            (0, _("1 or 2")),
            (1, _("3 or 4")),
            (2, _("5 or 6")),
            (3, _("7 to 9")),
            (4, _("10 or more")),
        ),
    ),
    (
        _("How often do you have six or more drinks on one occasion?"),
        (
            (0, _("Never")),
            (1, _("Less than monthly")),
            (2, _("Monthly")),
            (3, _("Weekly")),
            (4, _("Daily or almost daily")),
        ),
    ),
)
ITEM_MIN, ITEM_MAX = 0, 4
AUDITC_MAX = ITEM_MAX * len(AUDITC_QUESTIONS)  # 12

DRUG_QUESTION = _(
    "How many times in the past year have you used an illegal drug or used a prescription "
    "medication for non-medical reasons?"
)
DRUG_QUESTION_NOTE = _("Non-medical reasons: for example, for the experience or feeling it caused.")


class Sex:
    """Which AUDIT-C cut-off applies. Published cut-offs are for men and for women; for anyone
    else, or anyone who would rather not say, the lower (women's) cut-off is used: a screen that
    errs toward offering a conversation costs the person nothing."""

    MAN = "man"
    WOMAN = "woman"
    UNSAID = "unsaid"


AUDITC_CUTOFF = {Sex.MAN: 4, Sex.WOMAN: 3, Sex.UNSAID: 3}


def auditc_total(answers: tuple[int, int | None, int | None]) -> int:
    """The AUDIT-C total, 0-12, of the three answers in question order.

    Someone who never drinks (question 1 answered 0) scores 0 on the other two, as the
    instrument says, whatever was sent for them. Otherwise each answer must be 0-4."""
    frequency, typical, heavy = answers
    if frequency == 0:
        return 0
    for answer in answers:
        if answer is None or isinstance(answer, bool) or not ITEM_MIN <= answer <= ITEM_MAX:
            raise ValueError(f"AUDIT-C answers are whole numbers from 0 to 4, not {answer!r}")
    return frequency + typical + heavy


def auditc_positive(total: int, sex: str) -> bool:
    """Whether the total reaches the cut-off: 4 or more for men, 3 or more otherwise."""
    return total >= AUDITC_CUTOFF[sex]


def drug_screen_positive(times: int) -> bool:
    """One time or more in the past year is positive (Smith et al. 2010)."""
    if isinstance(times, bool) or times < 0:
        raise ValueError(f"A number of times is 0 or more, not {times!r}")
    return times >= 1


@dataclass(frozen=True)
class SelfCheckResult:
    auditc_total: int
    auditc_cutoff: int
    alcohol_positive: bool
    drug_positive: bool

    @property
    def any_positive(self) -> bool:
        return self.alcohol_positive or self.drug_positive


def self_check_result(
    *, auditc: tuple[int, int | None, int | None], sex: str, drug_times: int
) -> SelfCheckResult:
    """Both screens scored from the answers: nothing is kept."""
    total = auditc_total(auditc)
    return SelfCheckResult(
        auditc_total=total,
        auditc_cutoff=AUDITC_CUTOFF[sex],
        alcohol_positive=auditc_positive(total, sex),
        drug_positive=drug_screen_positive(drug_times),
    )
