"""Find Help's search index follows the directory's writers, and the search reads it."""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.directory.changes import services_changed
from beacon.directory.hsds_import import directory_import
from beacon.directory.models import Location, Schedule, Service, ServiceAtLocation
from beacon.findhelp import selectors, services
from beacon.findhelp.index import schedule_openings, search_index_build
from beacon.findhelp.models import SearchDocument, SearchHours, SearchLanguage, SearchPlace
from beacon.findhelp.selectors import SearchQuery, service_search
from beacon.findhelp.tests.factories import WORCESTER, service, term
from beacon.ops.cli import main

pytestmark = pytest.mark.django_db


def names(query: SearchQuery, **kwargs) -> list[str]:
    return [r.service.name for r in service_search(query=query, **kwargs).results]


# Writers keep it current ------------------------------------------------------------------------


def test_a_renamed_service_is_found_by_its_new_name_and_not_its_old():
    svc = service("Harbor drop-in center")
    assert names(SearchQuery(words="harbor")) == ["Harbor drop-in center"]
    # What a curation edit does: change the entry, then say so.
    Service.objects.filter(pk=svc.pk).update(name="Lighthouse drop-in center")
    services_changed([svc.pk])
    assert names(SearchQuery(words="harbor")) == []
    assert names(SearchQuery(words="lighthouse")) == ["Lighthouse drop-in center"]


def test_an_edit_nobody_announces_is_not_seen_until_a_reindex(capsys):
    svc = service("Harbor drop-in center")
    Service.objects.filter(pk=svc.pk).update(name="Lighthouse drop-in center")
    assert names(SearchQuery(words="lighthouse")) == []
    assert main(["directory", "reindex"]) == 0
    assert "Reindexed 1 directory service(s)" in capsys.readouterr().out
    assert names(SearchQuery(words="lighthouse")) == ["Lighthouse drop-in center"]


def test_a_service_no_longer_offered_or_deleted_leaves_the_index():
    closing = service("Closing program")
    gone = service("Gone program")
    Service.objects.filter(pk=closing.pk).update(status="inactive")
    services_changed([closing.pk])
    gone.delete()
    services_changed([gone.pk])
    assert names(SearchQuery(words="program")) == []
    assert not SearchDocument.objects.exists()
    assert not SearchPlace.objects.exists()


def test_the_import_indexes_what_it_writes_and_a_reimport_renames(tmp_path):
    package = tmp_path / "package"
    package.mkdir()
    org = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    svc = "2b6a3c3e-7f52-4a8e-9d55-0e5b0f0c8f11"
    (package / "organizations.csv").write_text(f"id,name,description\n{org},Harbor House,\n")
    services_csv = package / "services.csv"
    services_csv.write_text(
        f"id,organization_id,name,status\n{svc},{org},Tuesday coffee hour,active\n"
    )
    directory_import(package)
    assert names(SearchQuery(words="coffee")) == ["Tuesday coffee hour"]
    assert names(SearchQuery(words="harbor house")) == ["Tuesday coffee hour"]

    services_csv.write_text(
        f"id,organization_id,name,status\n{svc},{org},Thursday tea hour,active\n"
    )
    directory_import(package)
    assert names(SearchQuery(words="coffee")) == []
    assert names(SearchQuery(words="tea")) == ["Thursday tea hour"]


def test_a_failed_import_leaves_the_index_as_it_was(tmp_path):
    from beacon.directory.hsds_import import DirectoryImportRefused

    service("Tuesday coffee hour")
    package = tmp_path / "bad"
    package.mkdir()
    (package / "services.csv").write_text("id,name,bogus\n1,Tea,x\n")
    with pytest.raises(DirectoryImportRefused):
        directory_import(package)
    assert names(SearchQuery(words="coffee")) == ["Tuesday coffee hour"]


def test_an_accepted_submission_is_found_near_its_zip_code(ada):
    submission = services.submission_create(
        name="Hope Street Recovery",
        services_description="Peer coaching and an all-recovery meeting",
        postal_code="01602",
        contact_email="hello@hopestreet.example",
    )
    services.submission_accept(member=ada.memberships.get(), submission=submission)
    page = service_search(query=SearchQuery(words="coaching", zip_code="01602", miles=5))
    assert [r.service.name for r in page.results] == ["Hope Street Recovery"]


def test_a_new_location_counts_once_announced():
    svc = service("Two sites", at=(WORCESTER[0] + 9 / 69.05, WORCESTER[1]))
    near = Location.objects.create(hsds_id="near", latitude=WORCESTER[0], longitude=WORCESTER[1])
    ServiceAtLocation.objects.create(hsds_id="near-sal", service=svc, location=near)
    services_changed([svc.pk])
    page = service_search(query=SearchQuery(zip_code="01602", miles=10))
    assert page.count == 1 and page.results[0].distance < 1
    assert page.results[0].location.id == near.pk


def test_the_demo_generator_indexes_what_it_builds(harbor):
    from beacon.findhelp.demo import directory_generate

    directory_generate(count=40, seed=3)
    assert SearchDocument.objects.count() == Service.objects.count() == 40
    assert SearchPlace.objects.count() == 40


def test_rebuilding_everything_gives_the_same_index():
    service("Office", hours=(("MO,TU", time(9), time(17)),), languages=("Spanish",))
    service("Night line", hours=(("FR", time(22), time(2)),))

    def rows():
        return (
            sorted(SearchDocument.objects.values_list("service_id", "text", "languages")),
            sorted(SearchHours.objects.values_list("document__service_id", "starts", "ends")),
            sorted(SearchLanguage.objects.values_list("document__service_id", "name")),
        )

    before = rows()
    search_index_build(None)
    assert rows() == before


# What the index holds ---------------------------------------------------------------------------


def test_openings_in_seconds_of_the_week():
    day, hour = 86_400, 3600
    assert schedule_openings(
        freq="WEEKLY", byday="MO,WE", opens_at=time(9), closes_at=time(17)
    ) == [
        (9 * hour, 17 * hour),
        (2 * day + 9 * hour, 2 * day + 17 * hour),
    ]
    # Sunday night past midnight runs into Monday morning.
    assert schedule_openings(freq="", byday="SU", opens_at=time(22), closes_at=time(2)) == [
        (6 * day + 22 * hour, 7 * day),
        (0, 2 * hour),
    ]
    assert len(schedule_openings(freq="daily", byday="", opens_at=time(0), closes_at=time(0))) == 7
    assert schedule_openings(freq="MONTHLY", byday="MO", opens_at=time(9), closes_at=time(17)) == []
    assert schedule_openings(freq="WEEKLY", byday="MO", opens_at=None, closes_at=time(17)) == []


def test_languages_of_a_location_count_for_its_services():
    from beacon.directory.models import Language

    svc = service("Clinic")
    location = svc.service_at_locations.get().location
    Language.objects.create(hsds_id="pt-at-site", location=location, name="Portuguese", code="pt")
    services_changed([svc.pk])
    assert names(SearchQuery(language="Portuguese")) == ["Clinic"]
    assert names(SearchQuery(language="PT")) == ["Clinic"]


def test_hours_of_a_service_at_a_location_count_for_open_now():
    import time_machine

    svc = service("Clinic")
    Schedule.objects.create(
        hsds_id="sal-hours",
        service_at_location=svc.service_at_locations.get(),
        freq="WEEKLY",
        byday="MO",
        opens_at=time(9),
        closes_at=time(17),
    )
    services_changed([svc.pk])
    monday_morning = selectors.local_now().replace(2026, 11, 23, 10, 0)
    with time_machine.travel(monday_morning, tick=False):
        assert names(SearchQuery(open_now=True)) == ["Clinic"]


# How the search uses it -------------------------------------------------------------------------


def test_words_are_found_inside_words_and_short_words_too():
    service("AA meeting at the church hall")
    service("Narcotics Anonymous", description="Open meeting")
    assert names(SearchQuery(words="ch")) == ["AA meeting at the church hall"]
    assert names(SearchQuery(words="cotic")) == ["Narcotics Anonymous"]
    # "AA" is an everyday word for a mutual-aid meeting (the synonym table, issue 18): both are.
    assert names(SearchQuery(words="aa")) == [
        "AA meeting at the church hall",
        "Narcotics Anonymous",
    ]
    assert names(SearchQuery(words='"meeting"')) == []  # quotes are characters, not syntax
    # FTS5 operators are words like any other (NOT is not in either text).
    assert names(SearchQuery(words="meeting NOT church")) == []


def test_words_use_the_full_text_index():
    service("Bridge clinic")
    service("Food pantry")
    if connection.vendor == "sqlite":
        with CaptureQueriesContext(connection) as queries:
            assert names(SearchQuery(words="bridge")) == ["Bridge clinic"]
        assert any("findhelp_search_fts MATCH" in q["sql"] for q in queries)
    else:
        with connection.cursor() as cursor:
            # Too few rows for the planner to bother; forbid the table scan to see the index
            # serves LIKE '%word%'.
            cursor.execute("SET LOCAL enable_seqscan = off")
            sql, params = (
                SearchDocument.objects.filter(text__contains="bridge").values("id").query
            ).sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "findhelp_doc_text_trgm_idx" in plan


def test_services_at_one_address_come_in_order_of_name():
    for name in ("Zumba for recovery", "Art group", "Men's group"):
        service(name, at=WORCESTER)
    assert names(SearchQuery(zip_code="01602", miles=5)) == [
        "Art group",
        "Men's group",
        "Zumba for recovery",
    ]
    page_two = service_search(query=SearchQuery(zip_code="01602", miles=5), page_size=2, page=2)
    assert [r.service.name for r in page_two.results] == ["Zumba for recovery"]


def test_counting_stops_at_the_cap_without_a_zip_code(monkeypatch, client):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for i in range(5):
        service(f"Group {i}")
    page = service_search(query=SearchQuery(words="group"))
    assert (page.count, page.count_capped) == (3, True)
    assert len(page.results) == 5  # the page itself is whole
    near = service_search(query=SearchQuery(words="group", zip_code="01602"))
    assert (near.count, near.count_capped) == (5, False)
    assert "More than 3 places found" in client.get("/find-help/", {"q": "group"}).content.decode()
    body = client.get("/api/v1/directory/services", {"q": "group"}).json()
    assert (body["count"], body["count_capped"]) == (3, True)


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(words="group", language="Spanish", open_now=True, service_type="peer"),
        SearchQuery(zip_code="01602", words="group", payment="medicaid", open_now=True),
    ],
)
def test_query_count_stays_flat_with_filters(query):
    t = term("peer", "Peer support")

    def add(i):
        service(
            f"Group {i}",
            at=(WORCESTER[0] + i / 300, WORCESTER[1]),
            languages=("Spanish",),
            terms=(t,),
            accepts_medicaid=True,
            hours=(("MO,TU,WE,TH,FR,SA,SU", time(0), time(0)),),
        )

    for i in range(3):
        add(i)
    with CaptureQueriesContext(connection) as few:
        assert len(service_search(query=query).results) == 3
    for i in range(3, 30):
        add(i)
    with CaptureQueriesContext(connection) as many:
        assert len(service_search(query=query).results) == 20
    assert len(many) == len(few)


def test_words_with_filters_count_and_order_alike_below_and_above_the_cap(monkeypatch):
    # On PostgreSQL, common words with filters are matched under planner settings driving the
    # query from the trigram index (selectors._postgres_words); rare ones through their ids.
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for i in range(6):
        service(f"Group {i}", offers_moud=i % 2 == 0, same_day_intake=i < 3)
    service("Group 9", offers_moud=True, description="Tuesdays in Quincy")
    page = service_search(query=SearchQuery(words="group", moud=True))
    assert (page.count, page.count_capped) == (3, True)
    assert [r.service.name for r in page.results] == ["Group 0", "Group 2", "Group 4", "Group 9"]
    page = service_search(query=SearchQuery(words="group", moud=True, same_day=True))
    assert (page.count, page.count_capped) == (2, False)
    assert [r.service.name for r in page.results] == ["Group 0", "Group 2"]
    # Rare words (fewer than the cap), with a filter.
    page = service_search(query=SearchQuery(words="group quincy", moud=True))
    assert [r.service.name for r in page.results] == ["Group 9"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan')")
            assert cursor.fetchone() == ("on",)
