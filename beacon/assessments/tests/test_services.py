"""Recording assessments and building questionnaires, through the services."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beacon.assessments import selectors, services
from beacon.assessments.models import Assessment, QuestionnaireVersion
from beacon.assessments.tests.conftest import ITEMS, answers_totalling
from beacon.audit.models import AuditEvent
from conftest import member_of

pytestmark = pytest.mark.django_db


def test_barc10_total_is_computed_and_audited(pat, jordan):
    assessment = services.barc10_record(
        member=member_of(pat),
        participant=jordan,
        answers=[6, 5, 4, 3, 2, 1, 6, 5, 4, 3],
        administered_on=date(2026, 3, 1),
    )
    assessment.refresh_from_db()
    assert assessment.total == 39
    assert assessment.answers == {
        str(n): v for n, v in enumerate([6, 5, 4, 3, 2, 1, 6, 5, 4, 3], 1)
    }
    event = AuditEvent.objects.get(action="assessment.recorded")
    assert event.details["total"] == 39 and event.details["instrument"] == "barc10"
    assert event.details["participant"] == str(jordan.pk)


def test_barc10_bounds(pat, jordan):
    low = services.barc10_record(member=member_of(pat), participant=jordan, answers=[1] * 10)
    high = services.barc10_record(member=member_of(pat), participant=jordan, answers=[6] * 10)
    assert (low.total, high.total) == (10, 60)


def test_the_service_has_no_way_to_take_a_total():
    with pytest.raises(TypeError):
        services.barc10_record(member=None, participant=None, answers=[4] * 10, total=60)


def test_bad_answers_save_nothing(pat, jordan):
    with pytest.raises(ValidationError) as exc:
        services.barc10_record(
            member=member_of(pat), participant=jordan, answers={**answers_totalling(40), "7": 0}
        )
    assert list(exc.value.message_dict) == ["answers.7"]
    assert "Item 7 (My living space has helped to drive my recovery journey.)" in str(exc.value)
    assert not Assessment.objects.exists()
    assert not AuditEvent.objects.filter(action="assessment.recorded").exists()


def test_future_date_refused(pat, jordan):
    with pytest.raises(ValidationError) as exc:
        services.barc10_record(
            member=member_of(pat),
            participant=jordan,
            answers=[4] * 10,
            administered_on=timezone.localdate() + timedelta(days=1),
        )
    assert "administered_on" in exc.value.message_dict


@pytest.mark.parametrize("who", ["quinn", "olive", "riley"])
def test_outsiders_cannot_record(request, who, jordan):
    with pytest.raises(PermissionDenied):
        services.barc10_record(
            member=member_of(request.getfixturevalue(who)), participant=jordan, answers=[4] * 10
        )


def test_stage_of_change_with_date_updates_the_participant(pat, jordan):
    version = jordan.version
    services.stage_of_change_record(
        member=member_of(pat),
        participant=jordan,
        stage="preparation",
        administered_on=date(2026, 2, 1),
    )
    jordan.refresh_from_db()
    assert jordan.stage_of_change == "preparation"
    assert jordan.version == version + 1
    event = AuditEvent.objects.get(action="participant.updated")
    assert event.object_id == str(jordan.pk)
    assert event.details["stage_of_change"]["new"] == "preparation"

    # A back-dated record is kept, but the newer stage stays the current one.
    services.stage_of_change_record(
        member=member_of(pat),
        participant=jordan,
        stage="contemplation",
        administered_on=date(2026, 1, 1),
    )
    jordan.refresh_from_db()
    assert jordan.stage_of_change == "preparation"
    assert Assessment.objects.filter(instrument="stage_of_change").count() == 2

    services.stage_of_change_record(
        member=member_of(pat), participant=jordan, stage="action", administered_on=date(2026, 3, 1)
    )
    jordan.refresh_from_db()
    assert jordan.stage_of_change == "action"
    summary = selectors.assessment_summary(jordan)
    assert (summary.stage, summary.stage_recorded_on) == ("action", date(2026, 3, 1))


def test_unknown_stage_refused(pat, jordan):
    with pytest.raises(ValidationError) as exc:
        services.stage_of_change_record(member=member_of(pat), participant=jordan, stage="relapse")
    assert "stage" in exc.value.message_dict


def test_summary_costs_two_queries(pat, jordan, barc10):
    barc10(pat, jordan, 31, date(2026, 1, 5))
    barc10(pat, jordan, 44, date(2026, 4, 5))
    with CaptureQueriesContext(connection) as ctx:
        summary = selectors.assessment_summary(jordan)
    assert len(ctx.captured_queries) == 2
    assert summary.latest_barc10.total == 44
    assert summary.latest_barc10.administered_on == date(2026, 4, 5)


# Questionnaires -------------------------------------------------------------------------------


def test_answers_keep_their_version_after_a_new_one_is_published(ada, pat, jordan, checkin):
    v1 = checkin.versions.get(number=1)
    first = services.questionnaire_answers_record(
        member=member_of(pat),
        participant=jordan,
        version=v1,
        answers={"sleep": "7", "mood": "Good", "meeting": "yes"},
    )
    assert first.answers == {"sleep": 7, "mood": "Good", "meeting": True}

    new_items = [
        {
            "key": "mood",
            "text": "How has your mood been this week?",
            "kind": "choice",
            "choices": ["Low", "Mixed", "Good", "Great"],
            "required": True,
        },
        {"text": "Who did you talk to about your recovery?", "kind": "text"},
    ]
    v2 = services.questionnaire_version_publish(
        member=member_of(ada), questionnaire=checkin, items=new_items
    )
    assert v2.number == 2 and v2.items[1]["key"] == "who_did_you_talk_to_about_your_recovery"

    v1.refresh_from_db()
    assert v1.items == services.questionnaire_items_clean(ITEMS)  # unchanged
    first.refresh_from_db()
    rows = selectors.questionnaire_answer_rows(first)
    assert [item["text"] for item, _ in rows] == [i["text"] for i in ITEMS]
    assert rows[0][1] == 7

    assert (
        selectors.questionnaire_get_for_member(member=member_of(pat), pk=checkin.pk).current_version
        == v2
    )
    actions = list(
        AuditEvent.objects.filter(object_id=str(checkin.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "questionnaire.created",
        "questionnaire.published",
        "questionnaire.published",
    ]


def test_questionnaire_answers_are_checked_against_the_items(pat, jordan, checkin):
    version = checkin.versions.get()
    with pytest.raises(ValidationError) as exc:
        services.questionnaire_answers_record(
            member=member_of(pat),
            participant=jordan,
            version=version,
            answers={"sleep": "30", "meeting": "maybe"},
        )
    problems = exc.value.message_dict
    assert problems["answers.sleep"] == [
        "How many hours did you sleep last night? needs a number from 0 to 24."
    ]
    assert problems["answers.mood"] == ["How is your mood? needs an answer."]
    assert "answers.meeting" in problems
    with pytest.raises(ValidationError):
        services.questionnaire_answers_record(
            member=member_of(pat), participant=jordan, version=version, answers={"other": 1}
        )


def test_drafts_never_touch_published_versions(ada, checkin):
    draft = services.questionnaire_draft_save(
        member=member_of(ada),
        questionnaire=checkin,
        items=[{"text": "One question", "kind": "text"}],
    )
    assert draft.number == 2 and not draft.is_published
    again = services.questionnaire_draft_save(
        member=member_of(ada), questionnaire=checkin, items=[{"text": "Two", "kind": "yes_no"}]
    )
    assert again.pk == draft.pk
    assert QuestionnaireVersion.objects.filter(questionnaire=checkin).count() == 2
    assert checkin.versions.get(number=1).items[0]["key"] == "sleep"


def test_only_org_admins_build_questionnaires(pat, sam, olive, checkin):
    for user in (pat, sam):
        with pytest.raises(PermissionDenied):
            services.questionnaire_create(member=member_of(user), name="Mine", items=ITEMS)
        with pytest.raises(PermissionDenied):
            services.questionnaire_publish(member=member_of(user), questionnaire=checkin)
    with pytest.raises(PermissionDenied):
        services.questionnaire_retire(member=member_of(olive), questionnaire=checkin)


def test_items_are_validated_with_their_position(ada):
    with pytest.raises(ValidationError) as exc:
        services.questionnaire_items_clean(
            [
                {"text": "", "kind": "text"},
                {"text": "Pick", "kind": "choice", "choices": ["Only one"]},
                {"text": "Count", "kind": "number", "min": 5, "max": 1},
                {"text": "Odd", "kind": "colour"},
            ]
        )
    assert set(exc.value.message_dict) == {
        "items.1.text",
        "items.2.choices",
        "items.3.max",
        "items.4.kind",
    }


def test_retired_questionnaires_cannot_be_answered(ada, pat, jordan, checkin):
    services.questionnaire_retire(member=member_of(ada), questionnaire=checkin)
    checkin.refresh_from_db()
    with pytest.raises(ValidationError):
        services.questionnaire_answers_record(
            member=member_of(pat),
            participant=jordan,
            version=checkin.versions.get(),
            answers={"sleep": 8, "mood": "Okay"},
        )
    assert AuditEvent.objects.filter(action="questionnaire.retired").count() == 1
