"""The private iCalendar feed: a peer's group sessions and follow-ups.

A calendar leaves Beacon (phones, mail providers, shared calendars), so it carries no names and
no health details: follow-ups read "Follow-up (record 1042)" with a link back into Beacon, where
the person signs in to see who it is. Group sessions carry the group's name, time and place.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from beacon.groups.selectors import HORIZON_WEEKS, sessions_facilitated
from beacon.organizations.models import Membership
from beacon.participants.permissions import on_caseload, participants_visible_to

# How far back the feed goes, so this week's past events stay visible in calendar apps.
PAST_DAYS = 30


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    summary: str
    path: str
    start: datetime.datetime | datetime.date
    end: datetime.datetime | datetime.date
    location: str = ""
    cancelled: bool = False


def calendar_events(*, member: Membership, today: datetime.date | None = None) -> list[FeedEvent]:
    """The member's sessions and the follow-ups of participants on their own caseload, from
    PAST_DAYS ago to the session horizon. Three queries."""
    from beacon.referrals.models import OUTCOME_STATUSES, Referral

    today = today or timezone.localdate()
    first = today - datetime.timedelta(days=PAST_DAYS)
    last = today + datetime.timedelta(weeks=HORIZON_WEEKS)
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min)
    )
    events: list[FeedEvent] = []
    for session in sessions_facilitated(member=member, start=start, end=end):
        group = session.group
        events.append(
            FeedEvent(
                uid=f"group-session-{session.pk}@beacon",
                summary=group.name,
                path=reverse("groups:session", args=[session.pk]),
                start=session.starts_at,
                end=session.ends_at,
                location=group.location or group.video_url,
                cancelled=session.is_cancelled,
            )
        )
    caseload = participants_visible_to(member).filter(
        on_caseload(member, OuterRef("pk")), discharged_on__isnull=True
    )
    for pk, record_number, day in caseload.filter(
        next_follow_up_on__gte=first, next_follow_up_on__lte=last
    ).values_list("pk", "record_number", "next_follow_up_on"):
        events.append(
            FeedEvent(
                uid=f"follow-up-{pk}@beacon",
                summary=_("Follow-up (record %(number)s)") % {"number": record_number},
                path=reverse("participants:detail", args=[pk]),
                start=day,
                end=day + datetime.timedelta(days=1),
            )
        )
    referrals = (
        Referral.objects.filter(
            participant__in=caseload.values("pk"),
            follow_up_due_on__gte=first,
            follow_up_due_on__lte=last,
        )
        .exclude(status__in=OUTCOME_STATUSES)
        .values_list("pk", "participant__record_number", "follow_up_due_on")
    )
    for pk, record_number, day in referrals:
        events.append(
            FeedEvent(
                uid=f"referral-{pk}@beacon",
                summary=_("Referral follow-up (record %(number)s)") % {"number": record_number},
                path=reverse("referrals:detail", args=[pk]),
                start=day,
                end=day + datetime.timedelta(days=1),
            )
        )
    return events


def calendar_ics(
    *, member: Membership, build_url: Callable[[str], str], today: datetime.date | None = None
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Beacon//Support groups and follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Beacon ({member.organization.name})")
    stamp = timezone.now().astimezone(datetime.UTC)
    for item in calendar_events(member=member, today=today):
        url = build_url(item.path)
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        if isinstance(item.start, datetime.datetime):
            event.add("dtstart", item.start.astimezone(datetime.UTC))
            event.add("dtend", item.end.astimezone(datetime.UTC))
        else:
            event.add("dtstart", item.start)
            event.add("dtend", item.end)
        event.add("summary", item.summary)
        event.add("url", url)
        event.add("description", _("Open in Beacon: %(url)s") % {"url": url})
        if item.location:
            event.add("location", item.location)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    return calendar.to_ical()
