import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beacon.directory.changes import services_changed
from beacon.directory.models import CapacityStatus, Phone, Schedule
from beacon.findhelp import selectors
from beacon.findhelp.selectors import SearchQuery, service_search
from beacon.findhelp.tests.factories import WORCESTER, service, term

pytestmark = pytest.mark.django_db
EASTERN = ZoneInfo("America/New_York")


def north(miles: float) -> tuple[float, float]:
    return WORCESTER[0] + miles / 69.05, WORCESTER[1]


def names(query: SearchQuery, **kwargs) -> list[str]:
    return [r.service.name for r in service_search(query=query, **kwargs).results]


# Words ------------------------------------------------------------------------------------------


def test_words_match_names_descriptions_organizations_and_terms():
    peer = term("peer", "Peer recovery support")
    service("Drop-in center", description="Coffee, computers and recovery coaching")
    service("Legal clinic", organization="Community Legal Aid")
    service("Tuesday group", terms=(peer,))
    service("Food pantry")
    assert names(SearchQuery(words="coaching")) == ["Drop-in center"]
    assert names(SearchQuery(words="legal aid")) == ["Legal clinic"]
    assert names(SearchQuery(words="PEER")) == ["Tuesday group"]
    assert names(SearchQuery(words="pantry food")) == ["Food pantry"]
    # Every word must match somewhere.
    assert names(SearchQuery(words="pantry legal")) == []


def test_services_no_longer_offered_are_not_found():
    service("Closed program", status="inactive")
    service("Old program", status="Defunct")
    service("Current program", status="active")
    assert names(SearchQuery(words="program")) == ["Current program"]


# Distance --------------------------------------------------------------------------------------


def test_zip_orders_by_distance_and_cuts_at_the_radius():
    service("Far", at=north(8))
    service("Near", at=north(1))
    service("Middle", at=north(4))
    service("Outside", at=north(12))
    service("Nowhere", at=None)
    page = service_search(query=SearchQuery(zip_code="01602", miles=10))
    assert [r.service.name for r in page.results] == ["Near", "Middle", "Far"]
    assert [round(r.distance) for r in page.results] == [1, 4, 8]
    assert page.count == 3
    assert page.origin["city"] == "Worcester"
    assert names(SearchQuery(zip_code="01602", miles=5)) == ["Near", "Middle"]


def test_distance_uses_the_nearest_location_of_a_service():
    from beacon.directory.models import Location, ServiceAtLocation

    svc = service("Two sites", at=north(9))
    loc = Location.objects.create(hsds_id="second", latitude=north(2)[0], longitude=WORCESTER[1])
    ServiceAtLocation.objects.create(hsds_id="second-sal", service=svc, location=loc)
    services_changed([svc.pk])
    page = service_search(query=SearchQuery(zip_code="01602", miles=10))
    assert page.count == 1
    assert round(page.results[0].distance) == 2


def test_beyond_25_miles_the_nearest_are_found_ring_by_ring_and_counting_stops(monkeypatch, client):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for miles in (3, 30, 45, 70, 140, 240):
        service(f"At {miles} miles", at=north(miles))
    # Within 25 miles every match is counted.
    assert names(SearchQuery(zip_code="01602", miles=25)) == ["At 3 miles"]
    # Beyond, nearest first across the rings (25, 50, 100 miles, then the radius), and the
    # count stops at the cap: "more than 3".
    page = service_search(query=SearchQuery(zip_code="01602", miles=250))
    assert [r.service.name for r in page.results] == [
        f"At {miles} miles" for miles in (3, 30, 45, 70, 140, 240)
    ]
    assert (page.count, page.count_capped) == (3, True)
    assert [round(r.distance) for r in page.results] == [3, 30, 45, 70, 140, 240]
    assert (
        "More than 3 places found near 01602"
        in client.get("/find-help/", {"zip": "01602", "miles": "100"}).content.decode()
    )
    body = client.get("/api/v1/directory/services", {"zip": "01602", "miles": 250}).json()
    assert (body["count"], body["count_capped"], len(body["items"])) == (3, True, 6)


def test_a_rare_match_far_away_is_found_beyond_the_rings_and_counted_exactly():
    service("Near, no MOUD", at=north(2))
    service("Far clinic", at=north(200), offers_moud=True)
    page = service_search(query=SearchQuery(zip_code="01602", miles=250, moud=True))
    assert [r.service.name for r in page.results] == ["Far clinic"]
    assert (page.count, page.count_capped) == (1, False)


def test_beyond_25_miles_a_service_at_several_locations_counts_once_at_its_nearest():
    from beacon.directory.models import Location, ServiceAtLocation

    svc = service("Statewide line", at=north(60))
    for i, miles in enumerate((30, 90, 95, 120)):
        loc = Location.objects.create(
            hsds_id=f"site-{i}", latitude=north(miles)[0], longitude=WORCESTER[1]
        )
        ServiceAtLocation.objects.create(hsds_id=f"site-{i}-sal", service=svc, location=loc)
    services_changed([svc.pk])
    service("Other", at=north(40))
    page = service_search(query=SearchQuery(zip_code="01602", miles=250), page_size=1)
    assert (page.count, page.count_capped) == (2, False)
    assert [(r.service.name, round(r.distance)) for r in page.results] == [("Statewide line", 30)]
    second = service_search(query=SearchQuery(zip_code="01602", miles=250), page_size=1, page=2)
    assert [r.service.name for r in second.results] == ["Other"]


def test_a_large_radius_costs_a_few_queries_however_many_match():
    def search():
        with CaptureQueriesContext(connection) as queries:
            page = service_search(query=SearchQuery(zip_code="01602", miles=250))
        return page, len(queries)

    for i in range(3):
        service(f"Group {i}", at=north(10 + 40 * i))
    few, few_queries = search()
    assert few.count == 3
    for i in range(3, 30):
        service(f"Group {i}", at=north(i))
    many, many_queries = search()
    assert len(many.results) == 20
    # Fewer rings to read when the nearest ones hold enough: never more queries.
    assert many_queries <= few_queries


def test_unknown_zip_is_refused():
    with pytest.raises(selectors.UnknownZip):
        service_search(query=SearchQuery(zip_code="00000"))


def test_haversine_matches_a_known_distance():
    # Worcester (01602) to Boston (02108) is about 39 miles as the crow flies.
    boston = selectors.zip_place("02108")
    d = selectors.haversine_miles(*WORCESTER, boston["latitude"], boston["longitude"])
    assert 37 < d < 42


# Filters ---------------------------------------------------------------------------------------


def test_service_type_filter_includes_child_terms():
    housing = term("housing", "Housing")
    residence = term("housing-recovery", "Recovery residence", parent=housing)
    food = term("food", "Food")
    service("Shelter", terms=(housing,))
    service("Sober house", terms=(residence,))
    service("Pantry", terms=(food,))
    assert names(SearchQuery(service_type="housing")) == ["Shelter", "Sober house"]
    assert names(SearchQuery(service_type=str(food.pk))) == ["Pantry"]


@pytest.mark.parametrize(
    ("payment", "field"),
    [
        ("medicaid", "accepts_medicaid"),
        ("uninsured", "accepts_uninsured"),
        ("sliding_fee", "sliding_fee"),
    ],
)
def test_payment_filters(payment, field):
    service("Yes", **{field: True})
    service("No", **{field: False})
    service("Unknown")
    assert names(SearchQuery(payment=payment)) == ["Yes"]


def test_language_filter_by_name_or_code():
    service("Bilingual", languages=("Spanish", "English"))
    service("English only", languages=("English",))
    assert names(SearchQuery(language="Spanish")) == ["Bilingual"]
    assert names(SearchQuery(language="es")) == ["Bilingual"]


def test_language_choices_are_the_languages_services_in_find_help_offer(client):
    from beacon.directory.models import Language, Location

    clinic = service("Clinic", languages=("Spanish", "English"))
    service("Pantry", languages=("Spanish",))
    service("Closed program", status="inactive", languages=("Albanian",))
    site = clinic.service_at_locations.get().location
    Language.objects.create(hsds_id="pt-at-site", location=site, name="Portuguese", code="pt")
    nowhere = Location.objects.create(hsds_id="no-service-here")
    Language.objects.create(hsds_id="ar-nowhere", location=nowhere, name="Arabic", code="ar")
    services_changed([clinic.pk])
    with CaptureQueriesContext(connection) as queries:
        assert selectors.language_choices() == ["English", "Portuguese", "Spanish"]
    assert len(queries) == 1
    html = client.get(SEARCH).content.decode()
    assert '<option value="Portuguese">Portuguese</option>' in html
    assert "Albanian" not in html and "Arabic" not in html
    # Each offered language finds someone.
    assert names(SearchQuery(language="Portuguese")) == ["Clinic"]
    # Kept current with the services.
    Language.objects.filter(location=site).delete()
    services_changed([clinic.pk])
    assert selectors.language_choices() == ["English", "Spanish"]


def test_population_filter():
    service("Veterans program", populations_served=["veterans", "adults"])
    service("Youth program", populations_served=["youth"])
    service("Everyone")
    assert names(SearchQuery(population="veterans")) == ["Veterans program"]
    assert names(SearchQuery(population="youth")) == ["Youth program"]


def test_same_day_and_moud_filters():
    service("Clinic", same_day_intake=True, offers_moud=True)
    service("Same day only", same_day_intake=True, offers_moud=False)
    service("Unknown")
    assert names(SearchQuery(same_day=True)) == ["Clinic", "Same day only"]
    assert names(SearchQuery(moud=True)) == ["Clinic"]


# Open now ---------------------------------------------------------------------------------------

WEEKDAYS = "MO,TU,WE,TH,FR"


def _hours_fixture():
    service("Office", hours=((WEEKDAYS, time(9), time(17)),))
    service("Weekend", hours=(("SA,SU", time(10), time(14)),))
    service("Night line", hours=(("FR", time(22), time(2)),))
    service("All day", hours=(("MO,TU,WE,TH,FR,SA,SU", time(0), time(0)),))
    service("No hours")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 23, 10, 0, tzinfo=EASTERN), ["All day", "Office"]),  # Monday
        (datetime(2026, 11, 23, 17, 0, tzinfo=EASTERN), ["All day"]),  # closes at 17:00
        (datetime(2026, 11, 27, 23, 0, tzinfo=EASTERN), ["All day", "Night line"]),  # Friday
        (datetime(2026, 11, 28, 1, 30, tzinfo=EASTERN), ["All day", "Night line"]),  # past midnight
        (datetime(2026, 11, 28, 12, 0, tzinfo=EASTERN), ["All day", "Weekend"]),  # Saturday
    ],
)
def test_open_now_reads_weekly_schedules_in_beacons_time_zone(moment, expected):
    _hours_fixture()
    with time_machine.travel(moment, tick=False):
        page = service_search(query=SearchQuery(open_now=True))
        assert [r.service.name for r in page.results] == expected
        # The badge on each result says the same as the filter.
        everything = service_search(query=SearchQuery(), page_size=50).results
        assert sorted(r.service.name for r in everything if r.open_now) == expected


def test_open_now_respects_valid_dates():
    svc = service("Summer program", hours=((WEEKDAYS, time(9), time(17)),))
    Schedule.objects.filter(service=svc).update(valid_to="2026-09-01")
    services_changed([svc.pk])
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=EASTERN), tick=False):
        assert names(SearchQuery(open_now=True)) == []


def test_hours_are_written_for_people():
    svc = service("Office", hours=((WEEKDAYS, time(9), time(17)),))
    result = selectors.service_result_public(pk=svc.pk)
    assert result.hours == ["Mon, Tue, Wed, Thu, Fri 9 a.m.\u20135 p.m."]


def test_hours_are_written_in_the_language_of_the_page():
    # The text of each opening is cached: the cache must not leak one language into another.
    from django.utils import translation

    svc = service("Office", hours=(("MO", time(9), time(17)),))
    with translation.override("de"):
        assert selectors.service_result_public(pk=svc.pk).hours == ["Mo 09:00\u201317:00"]
    assert selectors.service_result_public(pk=svc.pk).hours == ["Mon 9 a.m.\u20135 p.m."]


# Paging and query counts ------------------------------------------------------------------------


def test_paging():
    for i in range(25):
        service(f"Group {i:02d}")
    first = service_search(query=SearchQuery(words="group"), page=1)
    second = service_search(query=SearchQuery(words="group"), page=2)
    assert first.count == 25 and first.num_pages == 2 and first.has_next
    assert len(first.results) == 20 and len(second.results) == 5
    assert second.results[0].service.name == "Group 20"


@pytest.mark.parametrize("query", [SearchQuery(words="group"), SearchQuery(zip_code="01602")])
def test_query_count_stays_flat_as_results_grow(query):
    lang = ("Spanish",)
    t = term("peer", "Peer support")
    for i in range(3):
        service(
            f"Group {i}",
            at=north(i),
            languages=lang,
            terms=(t,),
            hours=((WEEKDAYS, time(9), time(17)),),
        )
    with CaptureQueriesContext(connection) as few:
        assert len(service_search(query=query).results) == 3
    for i in range(3, 20):
        service(
            f"Group {i}",
            at=north(i / 4),
            languages=lang,
            terms=(t,),
            hours=((WEEKDAYS, time(9), time(17)),),
        )
    with CaptureQueriesContext(connection) as many:
        assert len(service_search(query=query).results) == 20
    assert len(many) == len(few)


def _two_site_service(name: str, *, near: float = 1, far: float = 9):
    """A service whose result reads every related table: no phone of its own; two locations,
    "A far site" (first by name) and "B near site", each with hours of its own (a
    service-at-location schedule), a phone and a postal then a physical address; its own hours,
    languages and two taxonomy terms; an organization phone."""
    from beacon.directory.models import Address, Location, Phone, ServiceAtLocation

    svc = service(
        name,
        at=None,
        phone="",
        languages=("Spanish", "English"),
        terms=(term(f"{name}-z", "Zumba"), term(f"{name}-a", "Art")),
        hours=(("MO", time(9), time(12)),),
    )
    Phone.objects.create(hsds_id=f"{name}-org-phone", organization=svc.organization, number="1")
    for site, miles in (("A far site", far), ("B near site", near)):
        loc = Location.objects.create(
            hsds_id=f"{name}-{site}", name=site, latitude=north(miles)[0], longitude=WORCESTER[1]
        )
        sal = ServiceAtLocation.objects.create(
            hsds_id=f"{name}-{site}-sal", service=svc, location=loc
        )
        for kind in ("postal", "physical"):
            Address.objects.create(
                hsds_id=f"{name}-{site}-{kind}",
                location=loc,
                address_1=f"{kind} {site}",
                city="Worcester",
                address_type=kind,
            )
        Phone.objects.create(hsds_id=f"{name}-{site}-phone", location=loc, number=f"{site} phone")
        Schedule.objects.create(
            hsds_id=f"{name}-{site}-hours",
            service_at_location=sal,
            freq="WEEKLY",
            byday="TU" if site.startswith("A") else "WE",
            opens_at=time(10),
            closes_at=time(11),
        )
    services_changed([svc.pk])
    return svc


def test_a_result_shows_the_nearest_location_and_what_its_records_say(client):
    _two_site_service("Clinic")
    near = service_search(query=SearchQuery(zip_code="01602", miles=10)).results[0]
    # The location nearest the ZIP code, its physical address, its phone (the service has
    # none), the service's hours and that location's.
    assert (near.location.name, near.address.address_1) == ("B near site", "physical B near site")
    assert [p.number for p in near.phones] == ["B near site phone"]
    assert near.hours == ["Mon 9 a.m.\u2013noon", "Wed 10 a.m.\u201311 a.m."]
    assert near.languages == ["English", "Spanish"]
    # Without a ZIP code: the first location by name.
    anywhere = service_search(query=SearchQuery(words="clinic")).results[0]
    assert (anywhere.location.name, anywhere.address.address_1) == (
        "A far site",
        "physical A far site",
    )
    assert anywhere.hours == ["Mon 9 a.m.\u2013noon", "Tue 10 a.m.\u201311 a.m."]
    # The API lists every location by name with its addresses and phones, the service's own
    # phones and schedules, and its terms by name.
    item = client.get("/api/v1/directory/services", {"q": "clinic"}).json()["items"][0]
    assert [loc["name"] for loc in item["locations"]] == ["A far site", "B near site"]
    assert [a["address_1"] for a in item["locations"][1]["addresses"]] == [
        "postal B near site",
        "physical B near site",
    ]
    assert [p["number"] for p in item["locations"][0]["phones"]] == ["A far site phone"]
    assert item["phones"] == []
    assert [s["byday"] for s in item["schedules"]] == ["MO"]
    assert [t["name"] for t in item["taxonomy_terms"]] == ["Art", "Zumba"]


def test_a_location_several_services_share_shows_its_addresses_once_for_each(client):
    from beacon.directory.models import Address, ServiceAtLocation

    first = service("Art group", at=north(1))
    site = first.service_at_locations.get().location
    street = site.addresses.get().address_1
    Address.objects.create(
        hsds_id="mail", location=site, address_1="PO Box 9", address_type="postal"
    )
    second = service("Men's group", at=None)
    ServiceAtLocation.objects.create(hsds_id="shared", service=second, location=site)
    services_changed([second.pk])
    items = client.get("/api/v1/directory/services", {"zip": "01602"}).json()["items"]
    assert [i["name"] for i in items] == ["Art group", "Men's group"]
    for item in items:
        [location] = item["locations"]
        assert [a["address_1"] for a in location["addresses"]] == [street, "PO Box 9"]


def test_a_result_falls_back_to_the_organization_phone():
    svc = service("Helpline", phone="")
    Phone.objects.create(hsds_id="org-phone", organization=svc.organization, number="508-555-0199")
    result = selectors.service_result_public(pk=svc.pk)
    assert [p.number for p in result.phones] == ["508-555-0199"]


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/find-help/", {"q": "clinic"}),
        ("/find-help/", {"zip": "01602", "miles": "25", "open_now": "on"}),
        ("/api/v1/directory/services", {"q": "clinic", "page_size": "100"}),
        ("/api/v1/directory/services", {"zip": "01602", "miles": "25"}),
    ],
)
def test_page_and_api_queries_stay_flat_however_much_each_result_holds(client, url, params):
    _two_site_service("Clinic 0", near=0.1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, params).status_code == 200
    for i in range(1, 25):
        _two_site_service(f"Clinic {i}", near=i / 10)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, params)
    assert response.status_code == 200 and "Clinic 19" in response.content.decode()
    assert len(many) == len(few)


# The page ---------------------------------------------------------------------------------------

SEARCH = "/find-help/"


def test_search_page_works_without_sign_in_or_javascript(client):
    service(
        "Recovery center",
        phone="(508) 555-0123",
        capacity_status=CapacityStatus.WAITLIST,
        last_verified_on="2026-11-01",
        at=north(2),
    )
    response = client.get(SEARCH, {"q": "recovery", "zip": "01602", "miles": "10"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="get"' in html
    assert "<script" not in html
    assert "Recovery center" in html
    assert 'href="tel:5085550123"' in html
    assert "2.0 miles away" in html
    assert "Waitlist" in html
    assert "Last checked Nov 1, 2026" in html
    assert "Report a problem with this listing" in html
    assert "We don't track you" in html


def test_each_result_links_to_its_problem_report(client):
    clinic, pantry = service("Clinic", at=north(1)), service("Pantry", at=north(2))
    html = client.get(SEARCH, {"zip": "01602"}).content.decode()
    for svc in (clinic, pantry):
        url = reverse("findhelp:report", args=[svc.pk])
        assert f'<a href="{url}">Report a problem with this listing</a>' in html
        assert client.get(url).status_code == 200


def test_anonymous_search_sets_no_cookie(client):
    service("Recovery center")
    for params in ({}, {"q": "recovery"}, {"zip": "01602"}, {"zip": "99999"}):
        response = client.get(SEARCH, params)
        assert response.status_code == 200
        assert not response.cookies, params
        assert "Set-Cookie" not in response.headers
    assert not client.cookies


def test_page_sends_nothing_to_other_websites(client):
    service("Recovery center", url="https://example.org")
    html = client.get(SEARCH, {"q": "recovery"}).content.decode()
    loaded = re.findall(r'src="([^"]*)"', html) + re.findall(r'<link[^>]*href="([^"]*)"', html)
    assert loaded
    assert all(url.startswith("/") and not url.startswith("//") for url in loaded), loaded


def test_unknown_zip_says_so_and_keeps_the_search(client):
    response = client.get(SEARCH, {"q": "food", "zip": "00000"})
    html = response.content.decode()
    assert "We don&#x27;t know the ZIP code 00000" in html
    assert 'value="food"' in html


def test_malformed_zip_says_what_to_type(client):
    html = client.get(SEARCH, {"zip": "12"}).content.decode()
    assert "Enter a 5-digit ZIP code" in html


def test_crisis_line_is_on_the_public_pages(client):
    svc = service("Recovery center")
    for url in (SEARCH, reverse("findhelp:submit"), reverse("findhelp:report", args=[svc.pk])):
        html = client.get(url).content.decode()
        assert 'href="tel:988"' in html, url
        assert "We don't track you" in html, url


def test_report_page_for_a_missing_or_withdrawn_service_is_404(client):
    import uuid

    gone = service("Closed program", status="inactive")
    assert client.get(reverse("findhelp:report", args=[gone.pk])).status_code == 404
    assert client.get(reverse("findhelp:report", args=[uuid.uuid4()])).status_code == 404
    # Anonymous visitors leave no trace, not even a refusal with their address.
    from beacon.audit.models import AuditEvent

    assert not AuditEvent.objects.exists()


def test_filters_reach_the_search_from_the_page(client):
    service("Clinic", offers_moud=True, accepts_medicaid=True)
    service("Other")
    html = client.get(SEARCH, {"moud": "on", "payment": "medicaid"}).content.decode()
    assert "Clinic" in html and "Other" not in html
