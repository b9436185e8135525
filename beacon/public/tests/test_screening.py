"""The self-check's scoring, at every threshold's edge (beacon/public/screening.py)."""

import pytest

from beacon.public import screening
from beacon.public.screening import Sex, auditc_positive, auditc_total, drug_screen_positive


def test_the_questions_are_the_published_ones_word_for_word():
    questions = [str(q) for q, _ in screening.AUDITC_QUESTIONS]
    assert questions == [
        "How often do you have a drink containing alcohol?",
        "How many drinks containing alcohol do you have on a typical day when you are drinking?",
        "How often do you have six or more drinks on one occasion?",
    ]
    assert [[v for v, _ in options] for _, options in screening.AUDITC_QUESTIONS] == [
        [0, 1, 2, 3, 4]
    ] * 3
    assert str(screening.DRUG_QUESTION) == (
        "How many times in the past year have you used an illegal drug or used a prescription "
        "medication for non-medical reasons?"
    )


@pytest.mark.parametrize(
    ("answers", "total"),
    [
        ((1, 0, 0), 1),
        ((4, 4, 4), 12),
        ((2, 1, 0), 3),
        # Never drinks: the other two count 0, whatever came with them (or nothing).
        ((0, None, None), 0),
        ((0, 4, 4), 0),
    ],
)
def test_auditc_total(answers, total):
    assert auditc_total(answers) == total


@pytest.mark.parametrize(
    "answers", [(1, None, 0), (1, 0, None), (5, 0, 0), (1, -1, 0), (1, True, 0)]
)
def test_auditc_refuses_a_missing_or_impossible_answer_from_someone_who_drinks(answers):
    with pytest.raises(ValueError, match="0 to 4"):
        auditc_total(answers)


@pytest.mark.parametrize(
    ("total", "sex", "positive"),
    [
        # Men: 4 or more.
        (3, Sex.MAN, False),
        (4, Sex.MAN, True),
        # Women: 3 or more.
        (2, Sex.WOMAN, False),
        (3, Sex.WOMAN, True),
        # Anyone else, or not said: the lower cut-off, 3.
        (2, Sex.UNSAID, False),
        (3, Sex.UNSAID, True),
        (0, Sex.WOMAN, False),
        (12, Sex.MAN, True),
    ],
)
def test_auditc_cutoffs_at_their_edges(total, sex, positive):
    assert auditc_positive(total, sex) is positive


@pytest.mark.parametrize(("times", "positive"), [(0, False), (1, True), (2, True), (365, True)])
def test_the_drug_screen_is_positive_from_one_time(times, positive):
    assert drug_screen_positive(times) is positive


@pytest.mark.parametrize("times", [-1, True])
def test_the_drug_screen_refuses_what_is_not_a_count(times):
    with pytest.raises(ValueError):
        drug_screen_positive(times)


def test_a_result_from_both_screens():
    result = screening.self_check_result(auditc=(2, 1, 0), sex=Sex.MAN, drug_times=0)
    assert (result.auditc_total, result.auditc_cutoff) == (3, 4)
    assert not result.alcohol_positive and not result.drug_positive and not result.any_positive
    result = screening.self_check_result(auditc=(2, 1, 0), sex=Sex.WOMAN, drug_times=0)
    assert result.alcohol_positive and result.any_positive
    result = screening.self_check_result(auditc=(0, None, None), sex=Sex.UNSAID, drug_times=1)
    assert not result.alcohol_positive and result.drug_positive and result.any_positive
