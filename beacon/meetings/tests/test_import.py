"""Importing a feed again updates it; exporting gives the same format back."""

import datetime
import json
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.meetings import commands, services
from beacon.meetings.models import FeedSchedule, Meeting, MeetingFeed

pytestmark = pytest.mark.django_db

FEED = [
    {
        "name": "Sunday Serenity",
        "slug": "sunday-serenity",
        "day": 0,
        "time": "18:00",
        "end_time": "19:00",
        "types": ["O", "D"],
        "location": "Alano Club",
        "address": "10 Main Street",
        "city": "Worcester",
        "state": "MA",
        "postal_code": "01608",
        "country": "US",
        "contact_1_name": "Dana Roberts",
        "contact_1_phone": "508-555-0100",
        "entity": "Central Intergroup",
    },
    {
        "name": "Noche de Esperanza",
        "slug": "noche-esperanza",
        "day": [2, 4],
        "time": "20:00",
        "timezone": "America/Chicago",
        "types": ["C", "S"],
        "formatted_address": "Chicago, IL, USA",
        "approximate": "yes",
        "conference_url": "https://meet.example.org/j/1",
        "conference_phone": "+13125550100,,1#",
    },
]


def run(harbor, records, source="file:a.json"):
    feed = services.feed_for_source(organization=harbor, source=source)
    return services.feed_import(feed=feed, raw=json.dumps(records))


def test_import_creates_meetings_with_a_point_from_the_zip(harbor):
    report = run(harbor, FEED)
    assert (report.created, report.updated, report.removed) == (2, 0, 0)
    sunday = Meeting.objects.get(slug="sunday-serenity")
    assert sunday.organization == harbor
    assert sunday.latitude == pytest.approx(42.26, abs=0.05)  # the ZIP code's centre
    assert not sunday.approximate  # a place to go, not an area
    assert sunday.extra["contact_1_name"] == "Dana R."
    assert sunday.in_person and not sunday.online
    noche = Meeting.objects.get(slug="noche-esperanza")
    assert noche.online and not noche.in_person
    event = AuditEvent.objects.get(action="meeting.imported")
    assert event.details["created"] == 2


def test_importing_again_updates_removes_and_brings_back(harbor):
    run(harbor, FEED)
    first = Meeting.objects.get(slug="sunday-serenity")
    changed = [{**FEED[0], "time": "18:30"}]
    report = run(harbor, changed)
    assert (report.created, report.updated, report.unchanged, report.removed) == (0, 1, 0, 1)
    first.refresh_from_db()
    assert first.time == datetime.time(18, 30)  # the same row, matched by slug
    assert Meeting.objects.get(slug="noche-esperanza").removed_at is not None
    report = run(harbor, [FEED[0] | {"time": "18:30"}, FEED[1]])
    assert (report.updated, report.unchanged, report.removed) == (1, 1, 0)
    assert Meeting.objects.get(slug="noche-esperanza").removed_at is None
    assert Meeting.objects.count() == 2


def test_a_skipped_record_keeps_its_meeting(harbor):
    run(harbor, FEED)
    broken = [FEED[0], {**FEED[1], "time": "8 pm"}]
    report = run(harbor, broken)
    assert report.removed == 0
    assert report.errors[0].startswith('Record 2 (slug "noche-esperanza") was skipped')
    assert Meeting.objects.get(slug="noche-esperanza").removed_at is None


def test_two_feeds_may_use_the_same_slug(harbor, lakeside):
    run(harbor, FEED)
    run(lakeside, FEED)
    run(harbor, FEED, source="https://other.example.org/feed.json")
    assert Meeting.objects.filter(slug="sunday-serenity").count() == 3


def test_round_trip_through_the_commands(harbor, tmp_path, capsys):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(FEED))
    assert commands.run_import(str(path), organization=harbor.name) == 0
    assert "Imported" in capsys.readouterr().out
    out = tmp_path / "out.json"
    assert commands.run_export(str(out)) == 0
    exported = json.loads(out.read_text())
    by_slug = {r["slug"]: r for r in exported}
    assert by_slug["sunday-serenity"]["day"] == 0
    assert by_slug["sunday-serenity"]["time"] == "18:00"
    assert by_slug["sunday-serenity"]["types"] == ["O", "D"]
    assert by_slug["sunday-serenity"]["contact_1_name"] == "Dana R."
    assert by_slug["sunday-serenity"]["entity"] == "Central Intergroup"
    assert by_slug["noche-esperanza"]["day"] == [2, 4]
    assert by_slug["noche-esperanza"]["timezone"] == "America/Chicago"
    assert by_slug["noche-esperanza"]["conference_phone"] == "+13125550100,,1#"
    # Imported again, the export changes nothing.
    feed = MeetingFeed.objects.get()
    report = services.feed_import(feed=feed, raw=out.read_text())
    assert (report.created, report.updated, report.removed) == (0, 0, 0)
    assert report.unchanged == 2


def test_export_never_writes_a_last_name(harbor, tmp_path):
    run(harbor, FEED)
    # Written around the import's rule (an older row, a hand edit in the database).
    Meeting.objects.filter(slug="sunday-serenity").update(extra={"contact_1_name": "Dana Roberts"})
    out = tmp_path / "out.json"
    commands.run_export(str(out))
    assert "Roberts" not in out.read_text()


def test_import_command_refusals(harbor, lakeside, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    assert commands.run_import(str(bad), organization=harbor.name) == 1
    assert "This is not JSON" in capsys.readouterr().err
    # Two organizations and none named.
    assert commands.run_import(str(bad)) == 1
    assert "--organization" in capsys.readouterr().err
    assert commands.run_import(str(tmp_path / "missing.json"), organization=harbor.name) == 1


def test_import_from_an_address(harbor, capsys, feed_server):
    """The command fetches the address itself (a real server on loopback: the command line may
    use the installation's own servers)."""
    url, served, _body = feed_server
    assert commands.run_import(url, organization=harbor.name) == 0
    assert served == ["/feed.json"]
    assert MeetingFeed.objects.get().source == url
    assert Meeting.objects.count() == 2


# The worker's schedule ---------------------------------------------------------------------------


def _feed(harbor, schedule):
    return MeetingFeed.objects.create(
        organization=harbor,
        name="Intergroup",
        source="https://x.example.org/f.json",
        schedule=schedule,
    )


def test_a_daily_feed_is_fetched_then_queued_for_the_next_day(harbor):
    feed = _feed(harbor, FeedSchedule.DAILY)
    now = timezone.now()
    feed.next_fetch_at = now
    feed.save()
    with (
        mock.patch.object(services, "fetch", return_value=json.dumps(FEED).encode()),
        mock.patch.object(services, "_enqueue") as enqueue,
        time_machine.travel(now, tick=False),
    ):
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            result = services.feed_run(feed_id=str(feed.pk), due=now.isoformat(), now=now)
    assert result.startswith("2 meetings: 2 new")
    feed.refresh_from_db()
    assert feed.next_fetch_at == now + datetime.timedelta(days=1)
    assert feed.last_ok is True
    enqueue.assert_called_once_with(
        str(feed.pk), feed.next_fetch_at, feed.next_fetch_at.isoformat()
    )


def test_a_superseded_turn_does_nothing(harbor):
    feed = _feed(harbor, FeedSchedule.WEEKLY)
    feed.next_fetch_at = timezone.now()
    feed.save()
    with mock.patch.object(services, "fetch") as fetch:
        assert (
            services.feed_run(feed_id=str(feed.pk), due="2020-01-01T00:00:00+00:00") == "superseded"
        )
    fetch.assert_not_called()


def test_a_failed_fetch_is_noted_and_nothing_changes(harbor):
    feed = _feed(harbor, FeedSchedule.MANUAL)
    run_at = timezone.now()
    feed.next_fetch_at = run_at
    feed.save()
    with mock.patch.object(
        services, "fetch", side_effect=ValueError("The feed's server answered 500.")
    ):
        services.feed_run(feed_id=str(feed.pk), due=run_at.isoformat())
    feed.refresh_from_db()
    assert feed.last_ok is False
    assert feed.last_result == "The feed's server answered 500."
    assert feed.next_fetch_at is None  # manual: only when an admin asks again


def test_fetch_refuses_other_schemes():
    with pytest.raises(ValueError, match="https://"):
        services.fetch("file:///etc/passwd")


@pytest.fixture
def feed_server():
    """A real HTTP server on this machine's loopback address serving a feed, counting requests."""
    import http.server
    import threading

    body = json.dumps(FEED).encode()
    served = []

    class Feed(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            served.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Feed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/feed.json", served, body
    server.shutdown()
    server.server_close()


def test_a_feed_on_an_inside_address_is_refused_before_any_request(feed_server):
    """An organization admin's feed address is fetched from inside Beacon's network: loopback,
    private and link-local addresses (the database, a cloud's metadata service) are refused."""
    url, served, _body = feed_server
    with pytest.raises(ValueError, match="inside this network"):
        services.fetch(url)
    assert served == []
    for inside in ("http://localhost/f.json", "http://10.0.0.8/f.json",
                   "http://169.254.169.254/latest/", "http://[::1]/f.json"):  # fmt: skip
        with pytest.raises(ValueError, match="inside this network"):
            services.fetch(inside)


def test_the_command_line_may_import_from_its_own_servers(feed_server):
    """Whoever runs the installation (beacon meetings import URL) may use an inside address."""
    url, served, body = feed_server
    assert services.fetch(url, inside_addresses=True) == body
    assert served == ["/feed.json"]


def test_the_demo_feed_imports_cleanly(harbor):
    from beacon.meetings.demo import FEED as DEMO

    report = run(harbor, json.loads(DEMO.read_text()))
    assert report.errors == [] and report.warnings == []
    assert 30 <= report.created <= 60
    text = DEMO.read_text()
    for record in json.loads(text):
        for key in ("contact_1_name", "contact_2_name", "contact_3_name"):
            assert " " not in record.get(key, "")  # first names only


def test_the_demo_imports_its_feed_and_enters_three_meetings_by_hand(ada, harbor):
    from beacon.meetings.demo import demo_meetings_create
    from conftest import member_of

    demo_meetings_create(admin=member_of(ada))
    assert Meeting.objects.filter(feed__isnull=False).count() == 42
    by_hand = Meeting.objects.filter(feed__isnull=True)
    assert sorted(m.group for m in by_hand) == [
        "Harbor peer-led groups",
        "Recovery Dharma",
        "SMART Recovery",
    ]
    assert all(m.organization == harbor for m in Meeting.objects.all())
