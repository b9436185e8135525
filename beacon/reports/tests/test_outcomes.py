"""Every figure of the outcomes for the crafted dataset (conftest.py), worked out by hand."""

from __future__ import annotations

import dataclasses

from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.reports.selectors import outcomes


def rows(report, key):
    return [
        [str(cell) if not isinstance(cell, int | float) else cell for cell in row]
        for row in report.table(key).rows
    ]


def test_people_served_new_and_active(harbor, crafted):
    report = outcomes(organization=harbor, filters=crafted.filters)
    # Served: A, B, C by a contact encounter (B's attempt alone would not count), F by the
    # group (the named walk-in is not a participant; B's undone tap is not attendance).
    assert report.served == 4
    # New: B and C were enrolled in the period (E after it).
    assert report.new == 2
    # Active at the end (30 June): A, B, F (C was discharged on 1 May, D before, E later).
    assert report.active == 3


def test_encounters_and_hours_by_kind_and_setting(harbor, crafted):
    report = outcomes(organization=harbor, filters=crafted.filters)
    # In the period: A 60 one-on-one, A 30 check-in, B 30 one-on-one, B 10 attempt, C 90 warm
    # handoff. Hours rounded to a tenth: 90 min 1.5, 30 min 0.5, 10 min 0.2.
    assert rows(report, "encounters_by_kind") == [
        ["One-on-one support", 2, 1.5],
        ["Check-in", 1, 0.5],
        ["Warm handoff", 1, 1.5],
        ["Attempted contact / no-show", 1, 0.2],
    ]
    assert report.table("encounters_by_kind").note == "Naloxone given in 1 of these encounters."
    # ED: B 30 + C 90 = 2 h; community: A 60 + B 10 = 70 min = 1.2 h; online: 30 min.
    assert rows(report, "encounters_by_setting") == [
        ["ED or hospital", 2, 2.0],
        ["Community", 2, 1.2],
        ["Online", 1, 0.5],
    ]
    summary = {row[0]: row[1] for row in rows(report, "summary")}
    assert summary["Encounters"] == 5
    assert summary["Hours of encounters"] == 3.7  # 220 minutes


def test_groups_and_attendance(harbor, crafted):
    report = outcomes(organization=harbor, filters=crafted.filters)
    # One session held (the other was cancelled): 90 minutes; A, F and "Visitor" came (3
    # attendances, 2 participants, F and Visitor walked in), 2 more anonymously.
    assert rows(report, "groups") == [["Skills group", 1, 1.5, 3, 2, 2, 2]]


def test_referrals_made_and_connected(harbor, crafted):
    report = outcomes(organization=harbor, filters=crafted.filters)
    # Made in the period: A connected, B sent, C declined (A's December one is before it).
    assert rows(report, "referrals") == [
        ["Made", 3, "100%"],
        ["Outcome recorded (loop closed)", 2, "67%"],
        ["Still open", 1, "33%"],
        ["Connected", 1, "33%"],
        ["Not connected", 0, "0%"],
        ["Declined", 1, "33%"],
    ]


def test_barc10_change_is_paired(harbor, crafted):
    report = outcomes(organization=harbor, filters=crafted.filters)
    # Pairs: A 30 -> 44 (latest in the period), C 48 -> 45. B has one BARC-10; F's latest is
    # before the period. Means 39.0 -> 44.5, change +5.5; one up, one down; 47+: C at first.
    assert [row[1] for row in rows(report, "barc10")] == [2, 39.0, 44.5, 5.5, 1, 0, 1, 1, 0]


def test_housing_and_employment_goals_of_the_people_served(harbor, crafted):
    report = outcomes(organization=harbor, filters=crafted.filters)
    # A: housing achieved, employment in progress; C: housing not started; D (not served)
    # does not count.
    assert rows(report, "housing_employment") == [["Housing", 2, 1], ["Employment", 1, 0]]


def test_engagement_over_time(harbor, crafted):
    report = outcomes(organization=harbor, filters=crafted.filters)
    # Month: people met (contact), encounters, hours, group attendances.
    assert [row[1:] for row in rows(report, "engagement")] == [
        [1, 1, 1.0, 0],  # January: A
        [2, 2, 1.0, 0],  # February: A check-in, B one-on-one (30 + 30 min)
        [1, 2, 1.7, 0],  # March: C (B's attempt is not contact); 100 min
        [0, 0, 0.0, 3],  # April: the group
        [0, 0, 0.0, 0],
        [0, 0, 0.0, 0],
    ]
    assert len(report.table("engagement").rows) == 6


def test_community_work(harbor, crafted):
    report = outcomes(organization=harbor, filters=crafted.filters)
    assert rows(report, "community") == [
        ["Outreach event", 1, 2.0, 40, 0],
        ["Presentation", 1, 1.5, 25, 0],
        ["Naloxone distribution", 1, 1.0, 15, 12],
    ]


def test_filtered_by_peer(harbor, crafted, pat):
    filters = dataclasses.replace(crafted.filters, peer=pat.pk)
    report = outcomes(organization=harbor, filters=filters)
    # Pat: encounters with A and C, and the group Pat facilitated (A, F): served A, C, F.
    assert report.served == 3
    assert report.new == 1  # C
    assert report.active == 2  # A, F
    assert rows(report, "encounters_by_kind") == [
        ["One-on-one support", 1, 1.0],
        ["Check-in", 1, 0.5],
        ["Warm handoff", 1, 1.5],
    ]
    assert [row[1] for row in rows(report, "referrals")][:4] == [2, 2, 0, 1]
    assert [row[0] for row in rows(report, "community")] == [
        "Outreach event",
        "Naloxone distribution",
    ]
    assert rows(report, "barc10")[0][1] == 2


def test_filtered_by_population(harbor, crafted):
    filters = dataclasses.replace(crafted.filters, population=crafted.veterans.pk)
    report = outcomes(organization=harbor, filters=filters)
    # Veterans: A and F. Served: A (encounters and the group), F (the group).
    assert report.served == 2
    assert report.new == 0
    assert report.active == 2
    assert rows(report, "encounters_by_kind") == [
        ["One-on-one support", 1, 1.0],
        ["Check-in", 1, 0.5],
    ]
    assert rows(report, "groups") == [["Skills group", 1, 1.5, 2, 2, 1, 2]]
    assert [row[1] for row in rows(report, "referrals")][:4] == [1, 1, 0, 1]
    assert [row[1] for row in rows(report, "barc10")][:4] == [1, 30.0, 44.0, 14.0]


def test_another_organizations_records_never_count(harbor, lakeside, crafted, olive, morgan):
    from beacon.encounters.tests.factories import EncounterFactory

    from .conftest import noon

    EncounterFactory(participant=morgan, peer=olive, occurred_at=noon("2026-02-02"))
    report = outcomes(organization=harbor, filters=crafted.filters)
    assert report.served == 4
    other = outcomes(organization=lakeside, filters=crafted.filters)
    assert other.served == 1
    assert other.table("community").rows == []


def test_the_query_count_does_not_grow_with_the_records(harbor, crafted, pat):
    with CaptureQueriesContext(connection) as first:
        outcomes(organization=harbor, filters=crafted.filters)
    from beacon.encounters.tests.factories import EncounterFactory

    from .conftest import noon

    for day in ("2026-01-03", "2026-02-03", "2026-05-03"):
        EncounterFactory(participant=crafted.people["B"], peer=pat, occurred_at=noon(day))
    with CaptureQueriesContext(connection) as second:
        outcomes(organization=harbor, filters=crafted.filters)
    assert len(first) == len(second) <= 16
