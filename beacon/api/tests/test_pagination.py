"""The API's one paginator (beacon/api/pagination.py): every row once, in the list's order,
whatever the ties, NULLs and characters of the ordering columns, on both databases."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from beacon.api.pagination import BadCursor, keyset_page
from beacon.audit.models import AuditEvent
from beacon.audit.services import record_event
from beacon.participants.models import Participant
from beacon.participants.tests.factories import ParticipantFactory


def _walk(qs, limit):
    seen, before, pages = [], None, 0
    while True:
        page = keyset_page(qs, before=before, limit=limit)
        seen += [p.pk for p in page.items]
        pages += 1
        if page.next_before is None:
            return seen, pages
        before = page.next_before


@pytest.fixture
def people(harbor):
    names = [("Lake", "Casey"), ("Lake", "Casey"), ("O'Neil, Jr.", "Ana"), ("Zed", "Bo")]
    births = [None, date(1990, 1, 1), None, date(1980, 5, 5)]
    return [
        ParticipantFactory(organization=harbor, family_name=f, given_name=g, date_of_birth=b)
        for (f, g), b in zip(names * 2, births * 2, strict=True)
    ]


@pytest.mark.parametrize(
    "order",
    [
        ("family_name", "given_name", "pk"),
        ("-family_name", "given_name"),  # the primary key is added to break ties
        ("date_of_birth", "family_name"),  # NULLs where the database puts them
        (F("date_of_birth").desc(nulls_last=True), "pk"),
        (F("date_of_birth").asc(nulls_first=True), "-pk"),
    ],
)
@pytest.mark.parametrize("limit", [1, 3, 50])
def test_every_row_once_in_the_lists_order(people, order, limit):
    qs = Participant.objects.order_by(*order)
    expected = list(qs.order_by(*order, "pk").values_list("pk", flat=True))
    if order[-1] in ("pk", "-pk"):
        expected = list(qs.values_list("pk", flat=True))
    seen, pages = _walk(qs, limit)
    assert seen == expected
    assert pages == max(1, -(-len(expected) // limit))


def test_a_page_is_one_query_however_far_in(people):
    qs = Participant.objects.order_by("family_name", "given_name", "pk")
    before = keyset_page(qs, before=None, limit=4).next_before
    with CaptureQueriesContext(connection) as queries:
        keyset_page(qs, before=before, limit=4)
    assert len(queries) == 1
    sql = queries[0]["sql"].upper()
    assert "OFFSET" not in sql and "COUNT(" not in sql


def test_rows_added_before_the_cursor_shift_nothing(harbor, people):
    qs = Participant.objects.order_by("family_name", "given_name", "pk")
    first = keyset_page(qs, before=None, limit=4)
    ParticipantFactory(organization=harbor, family_name="Aaron", given_name="Al")
    second = keyset_page(qs, before=first.next_before, limit=4)
    assert not {p.pk for p in first.items} & {p.pk for p in second.items}
    assert len(second.items) == 4


@pytest.mark.parametrize(
    "cursor", ["not-a-cursor", "WzZd", "W10", "WyJ4IiwieSJd", "WyJhIiwiYiIsIm5vdC1hLXV1aWQiXQ"]
)
def test_a_cursor_beacon_did_not_make_is_refused(people, cursor):
    qs = Participant.objects.order_by("family_name", "given_name", "pk")
    with pytest.raises(BadCursor):
        keyset_page(qs, before=cursor, limit=2)


def test_a_list_ordered_by_its_integer_id_pages_by_that_id(harbor, ada):
    for _ in range(2):
        record_event(action="auth.login", actor=ada, organization=harbor)
    qs = AuditEvent.objects.order_by("-id")
    ids = list(qs.values_list("id", flat=True))
    page = keyset_page(qs, before=None, limit=1)
    assert len(ids) > 1 and page.next_before == str(ids[0])
    assert [e.id for e in keyset_page(qs, before=ids[0], limit=1).items] == [ids[1]]
    with pytest.raises(BadCursor):
        keyset_page(qs, before="WzZd", limit=1)
