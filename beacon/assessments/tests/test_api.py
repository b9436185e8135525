"""/api/v1/assessments and /api/v1/questionnaires, and who may use them."""

import uuid

import pytest

from beacon.assessments.models import Assessment, Questionnaire
from beacon.assessments.tests.conftest import ITEMS, answers_totalling
from beacon.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

ASSESSMENTS = "/api/v1/assessments"
QUESTIONNAIRES = "/api/v1/questionnaires"


def barc10_body(participant, **overrides):
    body = {
        "participant": str(participant.pk),
        "instrument": "barc10",
        "answers": answers_totalling(45),
        "administered_on": "2026-02-02",
    }
    body.update(overrides)
    return body


def test_record_a_barc10(api, pat, jordan):
    response = api(pat).post(ASSESSMENTS, barc10_body(jordan))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["total"] == 45 and body["instrument"] == "barc10"
    assert body["answers"] == answers_totalling(45)
    assert Assessment.objects.get().total == 45


def test_answers_as_a_list(api, pat, jordan):
    response = api(pat).post(ASSESSMENTS, barc10_body(jordan, answers=[6] * 10))
    assert response.status_code == 201 and response.json()["total"] == 60


def test_a_client_total_is_refused(api, pat, jordan):
    response = api(pat).post(ASSESSMENTS, barc10_body(jordan, total=60))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "total"
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("bad", [0, 7, 4.5, "x", None])
def test_bad_answer_is_422_naming_the_item(api, pat, jordan, bad):
    answers = answers_totalling(40)
    answers["4"] = bad
    response = api(pat).post(ASSESSMENTS, barc10_body(jordan, answers=answers))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["details"] == [
        {
            "field": "answers.4",
            "message": "Item 4 (I am proud of the community I live in and feel part of it.) "
            "needs an answer from 1 to 6.",
        }
    ]
    assert not Assessment.objects.exists()


def test_stage_of_change(api, pat, jordan):
    body = {
        "participant": str(jordan.pk),
        "instrument": "stage_of_change",
        "stage": "action",
        "administered_on": "2026-03-01",
    }
    response = api(pat).post(ASSESSMENTS, body)
    assert response.status_code == 201 and response.json()["stage"] == "action"
    jordan.refresh_from_db()
    assert jordan.stage_of_change == "action"
    missing = api(pat).post(ASSESSMENTS, {**body, "stage": None})
    assert missing.status_code == 422


def test_questionnaire_answers(api, pat, jordan, checkin):
    body = {
        "participant": str(jordan.pk),
        "instrument": "questionnaire",
        "questionnaire": str(checkin.pk),
        "answers": {"sleep": 8, "mood": "Okay", "meeting": False},
    }
    response = api(pat).post(ASSESSMENTS, body)
    assert response.status_code == 201, response.json()
    assert response.json()["questionnaire"] == str(checkin.pk)
    assert response.json()["questionnaire_version"] == 1
    bad = api(pat).post(ASSESSMENTS, {**body, "answers": {"sleep": 8}})
    assert bad.status_code == 422
    assert bad.json()["error"]["details"] == [
        {"field": "answers.mood", "message": "How is your mood? needs an answer."}
    ]


def test_list_by_participant_oldest_first_and_filtered(api, pat, jordan, casey, barc10):
    barc10(pat, jordan, 40, None)
    api(pat).post(ASSESSMENTS, barc10_body(jordan, administered_on="2025-06-01"))
    api(pat).post(
        ASSESSMENTS,
        {"participant": str(jordan.pk), "instrument": "stage_of_change", "stage": "preparation"},
    )
    response = api(pat).get(ASSESSMENTS, {"participant": str(jordan.pk)})
    assert response.status_code == 200
    days = [a["administered_on"] for a in response.json()]
    assert days == sorted(days) and len(days) == 3
    only = api(pat).get(ASSESSMENTS, {"participant": str(jordan.pk), "instrument": "barc10"})
    assert [a["total"] for a in only.json()] == [45, 40]
    viewed = AuditEvent.objects.filter(action="participant.viewed", object_id=str(jordan.pk))
    assert viewed.filter(details__seen="assessments").exists()
    one = api(pat).get(f"{ASSESSMENTS}/{only.json()[0]['id']}")
    assert one.status_code == 200 and one.json()["total"] == 45
    assert api(pat).get(ASSESSMENTS).status_code == 422  # participant is required


@pytest.mark.parametrize("who", ["quinn", "olive", "riley"])
def test_outsiders_get_404_exactly_as_for_a_missing_id(api, request, who, pat, jordan, barc10):
    assessment = barc10(pat, jordan, 40, None)
    caller = api(request.getfixturevalue(who))
    hidden = caller.get(ASSESSMENTS, {"participant": str(jordan.pk)})
    missing = caller.get(ASSESSMENTS, {"participant": str(uuid.uuid4())})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert (
        caller.get(f"{ASSESSMENTS}/{assessment.pk}").json()
        == caller.get(f"{ASSESSMENTS}/{uuid.uuid4()}").json()
    )
    assert caller.post(ASSESSMENTS, barc10_body(jordan)).status_code == 404
    assert Assessment.objects.count() == 1


def test_questionnaires_list_with_current_version(api, pat, olive, checkin):
    response = api(pat).get(QUESTIONNAIRES)
    assert response.status_code == 200
    [q] = response.json()
    assert q["name"] == "Weekly check-in" and q["current_version"]["number"] == 1
    assert [i["key"] for i in q["current_version"]["items"]] == [i["key"] for i in ITEMS]
    assert api(olive).get(QUESTIONNAIRES).json() == []
    assert api(olive).get(f"{QUESTIONNAIRES}/{checkin.pk}").status_code == 404


def test_org_admins_create_and_publish(api, ada, pat, olive):
    body = {
        "name": "Housing check",
        "items": [
            {
                "text": "Where did you sleep last night?",
                "kind": "choice",
                "choices": ["Own place", "Friend or family", "Shelter", "Outside"],
                "required": True,
            },
            {"text": "Nights in a row there", "kind": "number", "min": 0},
        ],
    }
    assert api(pat).post(QUESTIONNAIRES, body).status_code == 403
    response = api(ada).post(QUESTIONNAIRES, body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["current_version"]["number"] == 1
    assert created["current_version"]["items"][1]["key"] == "nights_in_a_row_there"
    qid = created["id"]

    new = {
        "items": [
            {
                "key": "where_did_you_sleep_last_night",
                "text": "Where did you sleep last night?",
                "kind": "choice",
                "choices": ["Own place", "Shelter", "Other"],
            }
        ]
    }
    assert api(pat).post(f"{QUESTIONNAIRES}/{qid}/versions", new).status_code == 403
    assert api(olive).post(f"{QUESTIONNAIRES}/{qid}/versions", new).status_code == 404
    response = api(ada).post(f"{QUESTIONNAIRES}/{qid}/versions", new)
    assert response.status_code == 201 and response.json()["number"] == 2
    assert Questionnaire.objects.get().versions.count() == 2

    bad = api(ada).post(
        f"{QUESTIONNAIRES}/{qid}/versions", {"items": [{"text": "Pick", "kind": "choice"}]}
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "items.1.choices"
    duplicate = api(ada).post(QUESTIONNAIRES, body)
    assert duplicate.status_code == 422


def test_the_schema_lists_the_endpoints():
    from beacon.api.urls import api

    paths = api.get_openapi_schema()["paths"]
    assert {
        "/api/v1/assessments",
        "/api/v1/questionnaires",
        "/api/v1/questionnaires/{questionnaire_id}/versions",
    } <= set(paths)


def test_participant_role_members_get_403_from_the_questionnaires_api(api, riley, checkin):
    """Questionnaires are the organization's staff's, as on the pages."""
    caller = api(riley)
    for path in (
        QUESTIONNAIRES,
        f"{QUESTIONNAIRES}/{checkin.pk}",
        f"{QUESTIONNAIRES}/{uuid.uuid4()}",
    ):
        assert caller.get(path).status_code == 403, path
    versions = caller.post(f"{QUESTIONNAIRES}/{checkin.pk}/versions", {"items": ITEMS})
    assert versions.status_code == 403
