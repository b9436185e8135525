import uuid
from datetime import time

import pytest

from beacon.findhelp.tests.factories import WORCESTER, service, term

pytestmark = pytest.mark.django_db
URL = "/api/v1/directory/services"


def north(miles):
    return WORCESTER[0] + miles / 69.05, WORCESTER[1]


def test_search_needs_no_sign_in_and_has_hsds_like_fields(client):
    peer = term("peer", "Peer recovery support")
    service(
        "Recovery center",
        organization="Harbor Recovery",
        terms=(peer,),
        languages=("Spanish",),
        hours=(("MO,TU", time(9), time(17)),),
        offers_moud=True,
        populations_served=["veterans"],
        at=north(3),
    )
    response = client.get(URL, {"zip": "01602", "miles": 10})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["page"] == 1 and body["next"] is None
    item = body["items"][0]
    assert item["name"] == "Recovery center"
    assert item["organization"]["name"] == "Harbor Recovery"
    assert item["locations"][0]["addresses"][0]["city"] == "Worcester"
    assert item["phones"][0]["number"] == "508-555-0100"
    assert item["schedules"][0]["byday"] == "MO,TU"
    assert item["languages"] == ["Spanish"]
    assert item["taxonomy_terms"] == [
        {"code": "peer", "name": "Peer recovery support", "taxonomy": "Beacon"}
    ]
    assert item["offers_moud"] is True and item["populations_served"] == ["veterans"]
    assert item["capacity_status"] == "unknown"
    assert 2.9 < item["distance_miles"] < 3.1
    assert not response.cookies


def test_filters_match_the_page(client):
    service("Clinic", offers_moud=True, accepts_medicaid=True, same_day_intake=True)
    service("Pantry", description="Food on Fridays", accepts_uninsured=True)
    service("Vet center", populations_served=["veterans"], languages=("Spanish",))

    def found(**params):
        return [i["name"] for i in client.get(URL, params).json()["items"]]

    assert found(moud="true") == ["Clinic"]
    assert found(same_day="true") == ["Clinic"]
    assert found(payment="medicaid") == ["Clinic"]
    assert found(payment="uninsured") == ["Pantry"]
    assert found(q="fridays") == ["Pantry"]
    assert found(population="veterans") == ["Vet center"]
    assert found(language="es") == ["Vet center"]
    assert found() == ["Clinic", "Pantry", "Vet center"]


def test_paging_links(client):
    for i in range(5):
        service(f"Group {i}")
    body = client.get(URL, {"page_size": 2}).json()
    assert body["count"] == 5 and len(body["items"]) == 2
    assert "page=2" in body["next"]
    last = client.get(URL, {"page_size": 2, "page": 3}).json()
    assert [i["name"] for i in last["items"]] == ["Group 4"] and last["next"] is None


def test_errors_have_the_standard_shape(client):
    response = client.get(URL, {"zip": "00000"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_zip"
    response = client.get(URL, {"zip": "abc"})
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid"
    response = client.get(URL, {"population": "nobody"})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "population"


def test_one_service_organization_and_location(client):
    svc = service("Recovery center", organization="Harbor Recovery")
    body = client.get(f"{URL}/{svc.pk}").json()
    assert body["name"] == "Recovery center" and body["distance_miles"] is None
    org = client.get(f"/api/v1/directory/organizations/{svc.organization_id}").json()
    assert org["name"] == "Harbor Recovery"
    assert org["services"] == [{"id": str(svc.pk), "name": "Recovery center"}]
    location_id = body["locations"][0]["id"]
    loc = client.get(f"/api/v1/directory/locations/{location_id}").json()
    assert loc["addresses"][0]["postal_code"] == "01602"


def test_missing_and_withdrawn_services_are_404(client):
    gone = service("Closed program", status="inactive")
    for url in (
        f"{URL}/{gone.pk}",
        f"{URL}/{uuid.uuid4()}",
        f"/api/v1/directory/locations/{uuid.uuid4()}",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_the_directory_api_is_read_only(client):
    assert client.post(URL, {}).status_code == 405
