"""Times sent to the API with an offset PostgreSQL refuses (beyond ±15:59; Python takes up to
±23:59) are converted to UTC, not passed on: they were a 500 on PostgreSQL (schemathesis)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from beacon.api.schemas import utc
from conftest import bearer


@pytest.mark.parametrize("path", ["/api/v1/encounters?until={}", "/api/v1/audit-events?since={}"])
def test_a_far_offset_in_a_query_is_a_time_not_a_server_error(client, ada, harbor, path):
    far = "2026-01-05T06:25:07%2B23:14"  # +23:14
    response = client.get(path.format(far), **bearer(ada, harbor))
    assert response.status_code == 200


def test_utc_converts_reads_naive_as_utc_and_refuses_what_cannot_be_held():
    plus_23 = timezone(timedelta(hours=23, minutes=14))
    assert utc(datetime(2026, 1, 5, 23, 14, tzinfo=plus_23)) == datetime(2026, 1, 5, tzinfo=UTC)
    assert utc(datetime(2026, 1, 5)) == datetime(2026, 1, 5, tzinfo=UTC)
    with pytest.raises(ValueError, match="out of range"):
        utc(datetime(1, 1, 1, tzinfo=plus_23))


def test_a_time_out_of_range_is_a_422(client, ada, harbor):
    response = client.get(
        "/api/v1/encounters?until=0001-01-01T00:00:00%2B23:00", **bearer(ada, harbor)
    )
    assert response.status_code == 422
