"""A full or failing disk: a plain 503 instead of a generic error, and the harmless writes of
a read (session activity) skipped so reading goes on. bench/faults.py disk-full runs the real
thing on a filled filesystem; here the database's own error is raised where a write happens."""

from __future__ import annotations

import errno
import sqlite3

import pytest
from django.db import OperationalError
from django.urls import reverse

from beacon.core.storage import is_storage_problem
from beacon.encounters.models import Encounter


def _raised_from(cause: BaseException) -> OperationalError:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise OperationalError(str(inner)) from inner
    except OperationalError as outer:
        return outer


class _DiskFull(Exception):
    sqlstate = "53100"  # what psycopg's DiskFull carries


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_raised_from(sqlite3.OperationalError("database or disk is full")), True),
        (_raised_from(sqlite3.OperationalError("disk I/O error")), True),
        (_raised_from(_DiskFull("could not extend file")), True),
        (OSError(errno.ENOSPC, "No space left on device"), True),
        (_raised_from(sqlite3.OperationalError("no such table: x")), False),
        (OSError(errno.ENOENT, "No such file"), False),
        (ValueError("database or disk is full"), False),
    ],
)
def test_storage_problems_are_recognised_and_nothing_else(error, expected):
    assert is_storage_problem(error) is expected


def _full_disk(*args, **kwargs):
    raise _raised_from(sqlite3.OperationalError("database or disk is full"))


def test_an_api_write_on_a_full_disk_answers_503_with_a_plain_reason(
    client_for, pat, jordan, monkeypatch
):
    monkeypatch.setattr("beacon.encounters.services.encounter_log", _full_disk)
    response = client_for(pat).post(
        "/api/v1/encounters",
        {
            "participant": str(jordan.pk),
            "duration_minutes": 30,
            "modality": "phone",
            "setting": "community",
            "kind": "check_in",
        },
        content_type="application/json",
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "300"
    assert response.json()["error"]["code"] == "storage_unavailable"
    assert "Nothing was saved" in response.json()["error"]["message"]
    assert not Encounter.objects.exists()


def test_a_page_on_a_full_disk_says_nothing_was_saved_and_keeps_the_crisis_line(
    client_for, pat, jordan, monkeypatch
):
    monkeypatch.setattr("beacon.encounters.services.encounter_log", _full_disk)
    response = client_for(pat).post(
        f"{reverse('encounters:new')}?participant={jordan.pk}",
        {
            "participant": str(jordan.pk),
            "duration_pick": "30",
            "modality": "phone",
            "setting": "community",
            "kind": "check_in",
        },
    )
    assert response.status_code == 503
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "988" in html


def test_other_errors_are_not_dressed_up_as_storage_problems(client_for, pat, jordan, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("no such column: x")

    monkeypatch.setattr("beacon.encounters.services.encounter_log", broken)
    client = client_for(pat)
    client.raise_request_exception = False
    response = client.post(
        "/api/v1/encounters",
        {
            "participant": str(jordan.pk),
            "duration_minutes": 30,
            "modality": "phone",
            "setting": "community",
            "kind": "check_in",
        },
        content_type="application/json",
    )
    assert response.status_code == 500


def test_a_session_refresh_lost_to_a_full_disk_does_not_stop_the_page(client_for, pat, monkeypatch):
    import time

    from beacon.accounts.services import SESSION_SEEN_AT

    client = client_for(pat)
    session = client.session
    session[SESSION_SEEN_AT] = time.time() - 300  # due for a refresh on the next page
    session.save()
    monkeypatch.setattr("django.db.models.query.QuerySet.update", _full_disk)
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.save", _full_disk)
    response = client.get(reverse("myday:my_day"))
    assert response.status_code == 200
