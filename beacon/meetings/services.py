"""Writes for meetings: imports of Meeting Guide feeds (a file, or an address the worker fetches
on the feed's schedule), meetings entered by hand, and sharing a meeting with a participant.
Every write is audited in its transaction."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from beacon.audit.services import record_event
from beacon.findhelp.selectors import zip_place
from beacon.meetings import feed as mg
from beacon.meetings.models import FeedSchedule, Meeting, MeetingFeed, SharedMeeting
from beacon.meetings.permissions import can_manage_meetings, can_share_with

FEED_TASK = "beacon.meetings.tasks.meeting_feed_task"
FETCH_TIMEOUT = 20  # seconds
FETCH_MAX_BYTES = 10 * 1024 * 1024
SCHEDULE_EVERY = {
    FeedSchedule.DAILY: datetime.timedelta(days=1),
    FeedSchedule.WEEKLY: datetime.timedelta(days=7),
}
NOTE_MAX = 300
# The fields an import compares and writes (everything the feed gives).
IMPORTED_FIELDS = [
    "name",
    "days",
    "time",
    "end_time",
    "timezone",
    "types",
    "location",
    "location_notes",
    "formatted_address",
    "address",
    "city",
    "state",
    "postal_code",
    "country",
    "latitude",
    "longitude",
    "approximate",
    "region",
    "conference_url",
    "conference_url_notes",
    "conference_phone",
    "conference_phone_notes",
    "notes",
    "group",
    "group_notes",
    "url",
    "extra",
]


@dataclass
class ImportReport:
    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        total = self.created + self.updated + self.unchanged
        return _(
            "%(total)s meetings: %(created)s new, %(updated)s updated, %(unchanged)s unchanged, "
            "%(removed)s no longer in the feed; %(skipped)s records skipped."
        ) % {
            "total": total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "skipped": len(self.errors),
        }


def _place_from_zip(values: dict) -> None:
    """A meeting with a ZIP code but no point gets the ZIP's centre, so it can be found by
    distance (to within the ZIP's size); the same shipped data Find Help uses."""
    if values.get("latitude") is not None and values.get("longitude") is not None:
        return
    code = (values.get("postal_code") or "")[:5]
    place = zip_place(code) if len(code) == 5 and code.isdigit() else None
    if place:
        values["latitude"] = round(place["latitude"], 5)
        values["longitude"] = round(place["longitude"], 5)


def feed_for_source(*, organization, source: str, name: str = "") -> MeetingFeed:
    feed, _created = MeetingFeed.objects.get_or_create(
        organization=organization,
        source=source[:500],
        defaults={"name": (name or source.rsplit("/", 1)[-1] or source)[:200]},
    )
    return feed


def feed_import(*, feed: MeetingFeed, raw: bytes | str, actor=None) -> ImportReport:
    """Import a Meeting Guide feed's text into `feed`: meetings matched by slug are updated,
    new ones added, and those no longer in the feed marked removed (kept for the peers who
    shared them, out of search). Raises mg.FeedRefused when the text is not a feed at all."""
    parsed = mg.parse_feed(raw, default_time_zone=settings.TIME_ZONE)
    report = ImportReport(source=feed.source, errors=parsed.errors, warnings=parsed.warnings)
    now = timezone.now()
    with transaction.atomic():
        existing = {m.slug: m for m in Meeting.objects.select_for_update().filter(feed=feed)}
        new_rows, changed_rows = [], []
        for values in parsed.meetings:
            _place_from_zip(values)
            updated = values.pop("updated", None) or now
            meeting = existing.get(values["slug"])
            if meeting is None:
                new_rows.append(
                    Meeting(organization=feed.organization, feed=feed, updated=updated, **values)
                )
                continue
            differs = meeting.removed_at is not None or any(
                getattr(meeting, name) != values[name] for name in IMPORTED_FIELDS
            )
            if not differs:
                report.unchanged += 1
                continue
            for name in IMPORTED_FIELDS:
                setattr(meeting, name, values[name])
            meeting.updated = updated
            meeting.removed_at = None
            changed_rows.append(meeting)
        Meeting.objects.bulk_create(new_rows, batch_size=500)
        Meeting.objects.bulk_update(
            changed_rows, [*IMPORTED_FIELDS, "updated", "removed_at", "updated_at"], batch_size=500
        )
        report.created, report.updated = len(new_rows), len(changed_rows)
        in_feed = {v["slug"] for v in parsed.meetings} | parsed.skipped_slugs
        gone = [
            m.pk for slug, m in existing.items() if slug not in in_feed and m.removed_at is None
        ]
        report.removed = Meeting.objects.filter(pk__in=gone).update(removed_at=now)
        feed.last_fetched_at = now
        feed.last_ok = True
        feed.last_result = report.summary()
        feed.save(update_fields=["last_fetched_at", "last_ok", "last_result", "updated_at"])
        record_event(
            action="meeting.imported",
            actor=actor,
            organization=feed.organization,
            target=feed,
            details={
                "source": feed.source[:200],
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "removed": report.removed,
                "skipped": len(report.errors),
            },
        )
    return report


def feed_refused(*, feed: MeetingFeed, reason: str) -> None:
    """Note on the feed that its last fetch or import failed, and why (nothing changed)."""
    feed.last_fetched_at = timezone.now()
    feed.last_ok = False
    feed.last_result = reason[:2000]
    feed.save(update_fields=["last_fetched_at", "last_ok", "last_result", "updated_at"])


def _refuse_inside_addresses(url: str) -> None:
    """ValueError unless every address `url`'s host name resolves to is on the public internet.

    A feed address is typed by an organization admin and fetched by Beacon's own worker, from
    inside the network Beacon runs in: without this, an admin of one organization could make
    Beacon ask the database, the cloud's metadata service or another internal server (SSRF).
    Checked before the first request and before following each redirect. (A host name whose
    answer changes between this check and the connection is not covered; the installation's
    own firewall is the wall for that.)"""
    host = urllib.parse.urlsplit(url).hostname
    if not host:
        raise ValueError(_("A feed address names a server, e.g. https://example.org/feed.json."))
    try:
        answers = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise ValueError(_("The feed's server %(host)s was not found.") % {"host": host}) from None
    for answer in answers:
        address = ipaddress.ip_address(answer[4][0].split("%", 1)[0])
        if not address.is_global:
            raise ValueError(
                _(
                    "The feed address %(host)s is inside this network, not on the internet: "
                    "Beacon fetches feeds from public addresses only."
                )
                % {"host": host}
            )


class _PublicRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to another public http(s) address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.startswith(("https://", "http://")):
            raise ValueError(_("The feed's server sent Beacon to an address that is not http(s)."))
        _refuse_inside_addresses(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, *, inside_addresses: bool = False) -> bytes:
    """The feed at `url` (http or https only), at most FETCH_MAX_BYTES, or ValueError saying
    what went wrong in plain words. Only public internet addresses, unless `inside_addresses`
    (the command line: whoever runs the installation may import from their own servers)."""
    if not url.startswith(("https://", "http://")):
        raise ValueError(_("A feed address starts with https://."))
    handlers = []
    if not inside_addresses:
        _refuse_inside_addresses(url)
        handlers.append(_PublicRedirects())
    request = urllib.request.Request(  # noqa: S310 (http and https only, checked above)
        url, headers={"User-Agent": "Beacon meeting import", "Accept": "application/json"}
    )
    try:
        with urllib.request.build_opener(*handlers).open(
            request, timeout=FETCH_TIMEOUT
        ) as response:
            data = response.read(FETCH_MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise ValueError(_("The feed's server answered %(code)s.") % {"code": exc.code}) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ValueError(
            _("The feed could not be fetched: %(reason)s.") % {"reason": reason}
        ) from None
    if len(data) > FETCH_MAX_BYTES:
        raise ValueError(_("The feed is larger than 10 MB."))
    return data


def feed_fetch_and_import(*, feed: MeetingFeed, actor=None) -> ImportReport | None:
    """Fetch a feed's address and import it; a failure is noted on the feed (None)."""
    try:
        raw = fetch(feed.source)
        return feed_import(feed=feed, raw=raw, actor=actor)
    except (ValueError, mg.FeedRefused) as exc:
        feed_refused(feed=feed, reason=str(exc))
        return None


# Feeds an admin sets up ---------------------------------------------------------------------------


def _require_manager(member) -> None:
    if not can_manage_meetings(member):
        raise PermissionDenied(_("Only the organization's admins manage its meetings."))


def feed_save(*, member, feed: MeetingFeed | None, name: str, source: str, schedule: str):
    """Add or change a feed the worker fetches; a scheduled one is fetched soon after."""
    _require_manager(member)
    if not source.startswith(("https://", "http://")):
        raise ValidationError({"source": _("Enter the feed's address, starting with https://.")})
    if schedule not in FeedSchedule.values:
        raise ValidationError({"schedule": _("Choose how often to fetch it.")})
    clash = MeetingFeed.objects.filter(organization=member.organization, source=source)
    if feed is not None:
        clash = clash.exclude(pk=feed.pk)
    if clash.exists():
        raise ValidationError(
            {"source": _("This organization already has a feed at this address.")}
        )
    with transaction.atomic():
        created = feed is None
        if created:
            feed = MeetingFeed(organization=member.organization)
        feed.name, feed.source, feed.schedule = name.strip(), source.strip(), schedule
        feed.full_clean(exclude=["organization"])
        feed.save()
        # A scheduled feed is fetched at once, then by its schedule.
        _schedule(feed, timezone.now() if schedule != FeedSchedule.MANUAL else None)
        record_event(
            action="meeting.feed_saved",
            actor=member.user,
            organization=member.organization,
            target=feed,
            details={"source": feed.source[:200], "schedule": schedule, "created": created},
        )
    return feed


def feed_fetch_now(*, member, feed: MeetingFeed) -> None:
    """Ask the worker to fetch this feed now (its page shows the result when done)."""
    _require_manager(member)
    _schedule(feed, timezone.now())


def _schedule(feed: MeetingFeed, due: datetime.datetime | None) -> None:
    """Set when the worker next fetches the feed and queue that task. Each queued task carries
    the time it was queued for: one that finds another time on the feed (fetched meanwhile, or
    the schedule changed) does nothing, so a feed is never fetched twice for one turn."""
    feed.next_fetch_at = due
    feed.save(update_fields=["next_fetch_at", "updated_at"])
    if due is not None and feed.is_url:
        feed_id, when = str(feed.pk), due.isoformat()
        transaction.on_commit(lambda: _enqueue(feed_id, due, when))


def _enqueue(feed_id: str, due: datetime.datetime, when: str) -> None:
    # By name, as the directory's imports do: the task module imports this one.
    import_string(FEED_TASK).using(run_after=due).enqueue(feed_id, when)


def feed_run(*, feed_id: str, due: str, now: datetime.datetime | None = None) -> str:
    """The worker's part: fetch and import the feed if this turn is still its turn, then queue
    the next turn by its schedule (daily, weekly; none when only an admin asks)."""
    now = now or timezone.now()
    feed = MeetingFeed.objects.filter(pk=feed_id).select_related("organization").first()
    if feed is None or feed.next_fetch_at is None or feed.next_fetch_at.isoformat() != due:
        return "superseded"
    report = feed_fetch_and_import(feed=feed)
    every = SCHEDULE_EVERY.get(feed.schedule)
    with transaction.atomic():
        _schedule(feed, now + every if every else None)
    return report.summary() if report else feed.last_result


# Meetings entered by hand -------------------------------------------------------------------------


def meeting_save(*, member, meeting: Meeting | None, values: dict) -> Meeting:
    """Add or change a meeting that comes from no feed (SMART Recovery, Recovery Dharma, a
    peer-led group...). Contact names must be first names only (the anonymity rule)."""
    _require_manager(member)
    if meeting is not None and meeting.feed_id is not None:
        raise ValidationError(
            _("This meeting comes from the feed %(feed)s: change it there, then import again.")
            % {"feed": meeting.feed.name}
        )
    values = dict(values)
    errors = {}
    for key in ("contact_1_name", "contact_2_name", "contact_3_name"):
        name = (values.get("extra") or {}).get(key, "")
        if name and mg.has_last_name(name):
            errors[key] = _(
                "First names only, like %(example)s: meeting lists never carry last names."
            ) % {"example": mg.first_name_only(name)}
    if values.get("days") and values.get("time") is None:
        errors["time"] = _("A meeting on a day needs a start time.")
    if not mg.valid_time_zone(values.get("timezone") or ""):
        errors["timezone"] = _("Choose a time zone.")
    if errors:
        raise ValidationError(errors)
    _place_from_zip(values)
    with transaction.atomic():
        created = meeting is None
        if created:
            meeting = Meeting(organization=member.organization)
        for name, value in values.items():
            setattr(meeting, name, value)
        meeting.updated = timezone.now()
        meeting.full_clean(exclude=["organization", "feed"])
        if (
            Meeting.objects.filter(
                organization=member.organization, feed__isnull=True, slug=meeting.slug
            )
            .exclude(pk=meeting.pk)
            .exists()
        ):
            raise ValidationError({"slug": _("Another meeting of yours has this slug.")})
        meeting.save()
        record_event(
            action="meeting.created" if created else "meeting.updated",
            actor=member.user,
            organization=member.organization,
            target=meeting,
            details={"slug": meeting.slug},
        )
    return meeting


def meeting_remove(*, member, meeting: Meeting) -> None:
    """Take a hand-entered meeting off the list (kept for those it was shared with)."""
    _require_manager(member)
    with transaction.atomic():
        meeting.removed_at = timezone.now()
        meeting.save(update_fields=["removed_at", "updated_at"])
        record_event(
            action="meeting.removed",
            actor=member.user,
            organization=member.organization,
            target=meeting,
            details={"slug": meeting.slug},
        )


def meetings_exported(*, organization, count: int, path: str) -> None:
    record_event(
        action="meeting.exported",
        organization=organization,
        details={"count": count, "path": path[-200:]},
    )


# Sharing with a participant ----------------------------------------------------------------------


def meeting_share(*, member, participant, meeting: Meeting, note: str = "") -> SharedMeeting:
    """Share a meeting with a participant (staff who may refer them): it shows in their own
    Beacon under Resources. Nothing of the participant goes anywhere: it is a tip for them,
    not a disclosure. Sharing it again keeps the one row and updates the word for them."""
    if not can_share_with(member, participant):
        raise PermissionDenied(
            _("Only staff who work with this participant can share meetings with them.")
        )
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": _("Keep the word for the participant under 300 characters.")}
        )
    with transaction.atomic():
        shared = SharedMeeting.objects.filter(participant=participant, meeting=meeting).first()
        again = shared is not None
        if shared is None:
            shared = SharedMeeting(
                organization=participant.organization,
                participant=participant,
                meeting=meeting,
                shared_by=member.user,
            )
        shared.note = note
        shared.shared_at = timezone.now()
        shared.save()
        record_event(
            action="meeting.shared",
            actor=member.user,
            organization=member.organization,
            target=shared,
            details={
                "participant": str(participant.pk),
                "meeting": str(meeting.pk),
                "again": again,
            },
        )
    return shared


def meeting_unshare(*, member, shared: SharedMeeting) -> None:
    if not can_share_with(member, shared.participant):
        raise PermissionDenied(
            _("Only staff who work with this participant can change what is shared with them.")
        )
    with transaction.atomic():
        record_event(
            action="meeting.unshared",
            actor=member.user,
            organization=member.organization,
            target=shared,
            details={"participant": str(shared.participant_id), "meeting": str(shared.meeting_id)},
        )
        shared.delete()
