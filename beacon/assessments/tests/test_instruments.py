"""BARC-10 as published: items, scale, scoring and refusals that name the item."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from beacon.assessments import instruments
from beacon.assessments.instruments import (
    BARC10_ITEMS,
    barc10_answers_clean,
    barc10_score,
    barc10_total,
)

# ../shared/DOMAIN.md beside the checkout (or beside the folder holding a git worktree).
DOMAIN = next(
    (
        folder / "shared" / "DOMAIN.md"
        for folder in Path(__file__).resolve().parents[3].parents
        if (folder / "shared" / "DOMAIN.md").exists()
    ),
    Path(__file__).resolve().parents[4] / "shared" / "DOMAIN.md",
)

ALL = {str(n): 4 for n in range(1, 11)}


def test_items_are_verbatim_from_the_published_instrument():
    assert len(BARC10_ITEMS) == 10
    assert BARC10_ITEMS[0] == (
        "There are more important things to me in life than using substances."
    )
    assert BARC10_ITEMS[3] == "I am proud of the community I live in and feel part of it."
    assert BARC10_ITEMS[5] == (
        "I regard my life as challenging and fulfilling without the need for using drugs or "
        "alcohol."
    )
    assert BARC10_ITEMS[9] == "I am making good progress on my recovery journey."


@pytest.mark.skipif(not DOMAIN.exists(), reason="../shared/DOMAIN.md is not beside the checkout")
def test_items_equal_domain_md_word_for_word():
    text = DOMAIN.read_text()
    section = text[text.index("BARC-10 (Brief") : text.index("- ARC (Assessment")]
    listed = re.findall(r"^\s+(\d+)\. (.+)$", section, flags=re.M)
    assert [int(n) for n, _ in listed] == list(range(1, 11))
    assert tuple(item.strip() for _, item in listed) == BARC10_ITEMS


def test_scale_and_bounds():
    assert instruments.BARC10_SCALE[1] == "Strongly disagree"
    assert instruments.BARC10_SCALE[6] == "Strongly agree"
    assert (instruments.TOTAL_MIN, instruments.TOTAL_MAX) == (10, 60)
    assert instruments.BARC10_REFERENCE == 47
    assert "2017;177:71-76" in instruments.BARC10_REFERENCE_SOURCE


def test_scoring_sums_the_ten_answers():
    assert barc10_score({str(n): 1 for n in range(1, 11)}) == (
        {str(n): 1 for n in range(1, 11)},
        10,
    )
    assert barc10_score([6] * 10)[1] == 60
    answers = {str(n): (n % 6) + 1 for n in range(1, 11)}
    assert barc10_total(barc10_answers_clean(answers)) == sum((n % 6) + 1 for n in range(1, 11))


def test_integer_keys_and_digit_strings_from_a_form_are_accepted():
    cleaned = barc10_answers_clean(dict.fromkeys(range(1, 11), "5"))
    assert cleaned == {str(n): 5 for n in range(1, 11)}


ITEM_4 = (
    "Item 4 (I am proud of the community I live in and feel part of it.) needs an answer "
    "from 1 to 6."
)


@pytest.mark.parametrize("bad", [None, 0, 7, -1, 4.5, "4.5", "four", True, [4]])
def test_bad_answer_is_refused_naming_the_item(bad):
    answers = dict(ALL)
    if bad is None:
        del answers["4"]
    else:
        answers["4"] = bad
    with pytest.raises(ValidationError) as exc:
        barc10_answers_clean(answers)
    assert exc.value.message_dict == {"answers.4": [ITEM_4]}


def test_every_missing_item_is_named_at_once():
    with pytest.raises(ValidationError) as exc:
        barc10_answers_clean([5, 5, 5])
    assert sorted(exc.value.message_dict, key=lambda k: int(k.split(".")[1])) == [
        f"answers.{n}" for n in range(4, 11)
    ]


def test_unknown_items_and_shapes_are_refused():
    with pytest.raises(ValidationError) as exc:
        barc10_answers_clean({**ALL, "11": 3})
    assert "not an item: 11" in exc.value.message_dict["answers"][0]
    with pytest.raises(ValidationError):
        barc10_answers_clean([4] * 11)
    with pytest.raises(ValidationError):
        barc10_answers_clean("4444444444")
