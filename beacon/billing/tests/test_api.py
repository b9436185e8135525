"""/api/v1/billing/runs: list, make, read with lines and refusals, files; 404 across
organizations, 403 for peers."""

import pytest

from beacon.billing.tests.conftest import DAY, log
from conftest import member_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/billing/runs"


def test_make_read_list_and_download_a_run(api, billing_settings, jordan, pat, sam, olive):
    jordan.insurance = "medicaid"
    jordan.medicaid_id = "MC77"
    jordan.save(update_fields=["insurance", "medicaid_id"])
    log(pat, jordan, minutes=60)
    response = api(sam).post(
        URL, {"payer": "virginia", "start": DAY.isoformat(), "end": DAY.isoformat()}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["billed_count"], body["refused_count"], body["has_files"]) == (0, 1, False)
    (line,) = body["lines"]
    assert [r["code"] for r in line["reasons"]] == [
        "no_diagnosis",
        "no_authorization",
        "not_linked_to_plan",
    ]
    assert line["participant"] == str(jordan.pk)
    read = api(sam).get(f"{URL}/{body['id']}")
    assert read.status_code == 200 and read.json()["lines"][0]["id"] == line["id"]
    listed = api(sam).get(URL).json()
    assert [r["id"] for r in listed["items"]] == [body["id"]]
    assert api(sam).get(f"{URL}/{body['id']}/csv").status_code == 404
    assert api(olive).get(f"{URL}/{body['id']}").status_code == 404
    assert api(olive).get(URL).json()["items"] == []
    assert api(pat).get(URL).status_code == 403


def test_problems_are_named(api, sam, ada):
    response = api(sam).post(URL, {"payer": "nowhere", "start": "2026-03-02", "end": "2026-03-01"})
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert fields == {"payer", "end", ""}


def test_a_billed_run_offers_its_files(api, billing_settings, on_medicaid, goal, pat, sam):
    from beacon.billing import services

    services.service_order_add(
        member=member_of(sam), participant=on_medicaid, signed_on=DAY, signed_by="Dr. Lee"
    )
    services.diagnosis_add(member=member_of(sam), participant=on_medicaid, code="F10.20")
    log(pat, on_medicaid, goals=[goal])
    body = (
        api(sam)
        .post(URL, {"payer": "north-carolina", "start": DAY.isoformat(), "end": DAY.isoformat()})
        .json()
    )
    assert body["has_files"] and body["billed_units"] == 4
    claims = api(sam).get(f"{URL}/{body['id']}/837p")
    assert claims.status_code == 200
    assert b"SV1*HC:H0038*24*UN*4***1~" in b"".join(claims.streaming_content)
