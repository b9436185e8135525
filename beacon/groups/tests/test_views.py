"""Group pages: the list, a new group, the group page, the attendance page (one post, a tap,
walk-ins, move, cancel), what Olive and a peer who does not facilitate can do, query counts,
the calendar feed and My day."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from beacon.audit.models import AuditEvent
from beacon.groups import services
from beacon.groups.models import CalendarFeed, Group
from beacon.groups.selectors import session_roster
from beacon.groups.tests.conftest import past_session
from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory
from conftest import member_of

pytestmark = pytest.mark.django_db


def session_url(session, name="groups:session"):
    return reverse(name, args=[session.pk])


def group_form(**fields):
    data = {
        "name": "Family circle",
        "kind": "family",
        "location": "Harbor hall",
        "weekdays": ["1", "3"],
        "start_time": "18:30",
        "duration_minutes": "90",
        "interval_weeks": "1",
        "starts_on": timezone.localdate().isoformat(),
    }
    data.update(fields)
    return data


def test_nav_links_to_groups_and_the_list_shows_them(client_for, group, pat):
    html = client_for(pat).get(reverse("core:home"), follow=True).content.decode()
    assert reverse("groups:list") in html
    html = client_for(pat).get(reverse("groups:list")).content.decode()
    assert "Tuesday circle" in html and reverse("groups:detail", args=[group.pk]) in html
    assert reverse("groups:calendar") in html


def test_create_a_group_from_the_page(client_for, pat, quinn):
    response = client_for(pat).post(
        reverse("groups:new"), group_form(facilitators=[str(pat.pk), str(quinn.pk)])
    )
    group = Group.objects.get(name="Family circle")
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:detail", args=[group.pk])
    assert set(group.facilitators.all()) == {pat, quinn}
    assert group.weekdays == [1, 3] and group.sessions.exists()


def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong(client_for, pat):
    response = client_for(pat).post(
        reverse("groups:new"),
        group_form(weekdays=[], facilitators=[str(pat.pk)], video_url="meet.example"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose at least one day of the week." in html
    assert 'value="Family circle"' in html and 'value="Harbor hall"' in html
    assert 'href="#id_weekdays"' in html
    assert not Group.objects.exists()


def test_group_page_shows_roster_and_sessions_and_audits_the_names(
    client_for, group, pat, jordan, casey
):
    before = AuditEvent.objects.filter(action="participant.viewed").count()
    html = client_for(pat).get(reverse("groups:detail", args=[group.pk])).content.decode()
    assert "Jordan" in html and "Casey" in html and "Coming sessions" in html
    seen = AuditEvent.objects.filter(action="participant.viewed").order_by("id")[before:]
    assert {e.object_id for e in seen} == {str(jordan.pk), str(casey.pk)}


def test_a_peer_who_does_not_facilitate_sees_only_their_own_names(
    client_for, group, quinn, jordan, casey
):
    html = client_for(quinn).get(reverse("groups:detail", args=[group.pk])).content.decode()
    assert "Casey" in html and "Jordan" not in html
    assert "And 1 participant who is not on your caseload." in html
    assert reverse("groups:edit", args=[group.pk]) not in html


def test_the_attendance_page_never_carries_the_id_of_someone_hidden(
    client_for, session, pat, quinn, jordan, casey
):
    services.attendance_record(
        member=member_of(pat), session=session, present=[str(jordan.pk), str(casey.pk)]
    )
    html = client_for(quinn).get(session_url(session)).content.decode()
    assert "Someone not on your caseload" in html and "Casey" in html
    assert str(jordan.pk) not in html
    assert f"#{jordan.record_number}" in html  # the claim line keeps the record number
    assert str(jordan.pk) in client_for(pat).get(session_url(session)).content.decode()


def test_enrol_and_end_enrolment(client_for, make_group, pat, jordan):
    group = make_group(pat)
    client = client_for(pat)
    response = client.post(reverse("groups:enroll", args=[group.pk]), {"participant": jordan.pk})
    assert response.status_code == 302
    assert group.enrollments.filter(participant=jordan, ended_at__isnull=True).exists()
    client.post(reverse("groups:enrollment_end", args=[group.pk, jordan.pk]))
    assert not group.enrollments.filter(participant=jordan, ended_at__isnull=True).exists()


def test_ending_the_enrolment_of_someone_not_in_the_group_is_404(
    client_for, make_group, group, pat, jordan
):
    """The enrolment is named by its participant under the group (load_child): Jordan is
    enrolled in another group only, so this one has nothing to end. A participant names no
    enrolment outside the group, so this plain 404 is no refusal to record."""
    empty = make_group(pat, name="Thursday circle")
    client = client_for(pat)
    response = client.post(reverse("groups:enrollment_end", args=[empty.pk, jordan.pk]))
    assert response.status_code == 404
    assert group.enrollments.filter(participant=jordan, ended_at__isnull=True).exists()
    assert not AuditEvent.objects.filter(action="access.refused").exists()


def test_a_peer_cannot_enrol_someone_off_their_caseload(client_for, make_group, pat, casey):
    group = make_group(pat)
    response = client_for(pat).post(
        reverse("groups:enroll", args=[group.pk]), {"participant": casey.pk}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_edit_the_schedule_from_the_page(client_for, group, pat):
    data = group_form(
        name=group.name,
        kind=group.kind,
        weekdays=["0"],
        start_time="19:00",
        duration_minutes="60",
        starts_on=group.starts_on.isoformat(),
        facilitators=[str(pat.pk)],
        version=str(group.version),
    )
    response = client_for(pat).post(reverse("groups:edit", args=[group.pk]), data)
    assert response.status_code == 302
    group.refresh_from_db()
    upcoming = group.sessions.filter(starts_at__gt=timezone.now())
    assert {timezone.localtime(s.starts_at).weekday() for s in upcoming} == {0}


def test_a_stale_edit_overwrites_nothing_and_keeps_what_was_typed_beside_the_group_now(
    client_for, group, pat
):
    stale = group_form(
        name="Pat's name",
        kind=group.kind,
        starts_on=group.starts_on.isoformat(),
        facilitators=[str(pat.pk)],
        version=str(group.version),
    )
    services.group_update(
        member=member_of(pat), group=group, expected_version=group.version, name="Now"
    )
    client = client_for(pat)
    response = client.post(reverse("groups:edit", args=[group.pk]), stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone saved this group while you were editing" in page
    assert "Saved now: Now," in page
    # What Pat typed is still in the form, now based on the version saved meanwhile.
    assert 'value="Pat&#x27;s name"' in page
    assert 'name="version" value="2"' in page
    group.refresh_from_db()
    assert (group.name, group.version) == ("Now", 2)
    # Saving again is a choice, and it now goes through.
    again = {**stale, "version": "2"}
    assert client.post(reverse("groups:edit", args=[group.pk]), again).status_code == 302
    group.refresh_from_db()
    assert (group.name, group.version) == ("Pat's name", 3)


# The attendance page ------------------------------------------------------------------------


def test_attendance_page_has_big_tap_targets_that_work_with_and_without_js(
    client_for, session, pat, jordan
):
    html = client_for(pat).get(session_url(session)).content.decode()
    assert 'class="tap-list"' in html
    assert f'name="present" value="{jordan.pk}"' in html
    assert f'hx-post="{reverse("groups:session_toggle", args=[session.pk, jordan.pk])}"' in html
    assert f'action="{session_url(session, "groups:session_attendance")}"' in html
    assert "style=" not in html and "<script>" not in html


def test_one_post_records_attendance_notes_and_topics(client_for, session, pat, jordan, casey):
    response = client_for(pat).post(
        session_url(session, "groups:session_attendance"),
        {
            "present": [str(jordan.pk)],
            "anonymous_count": "2",
            "duration_minutes": "90",
            "topics": "coping, sleep",
            "notes": "Good energy.",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_held and session.anonymous_count == 2 and session.duration_minutes == 90
    assert session.topics == ["coping", "sleep"] and session.notes == "Good energy."
    assert {e.key for e in session_roster(session=session) if e.present} == {str(jordan.pk)}
    html = client_for(pat).get(session_url(session)).content.decode()
    assert "H0038" in html and "HQ" in html and "Good energy." in html


def test_attendance_form_errors_keep_the_taps_and_notes(client_for, session, pat, jordan):
    response = client_for(pat).post(
        session_url(session, "groups:session_attendance"),
        {"present": [str(jordan.pk)], "duration_minutes": "1", "notes": "Keep me"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Keep me" in html and "error-summary" in html
    session.refresh_from_db()
    assert not session.is_held


def test_a_tap_with_htmx_answers_with_the_tap_target(client_for, session, pat, jordan):
    url = reverse("groups:session_toggle", args=[session.pk, jordan.pk])
    client = client_for(pat)
    response = client.post(url, {"present": [str(jordan.pk)]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<li class="tap-item"') and "tap-on" in html and "checked" in html
    response = client.post(url, {}, HTTP_HX_REQUEST="true")
    assert "checked" not in response.content.decode()
    # Without htmx, back to the page.
    response = client.post(url, {"present": [str(jordan.pk)]})
    assert response.status_code == 302 and response["Location"] == session_url(session)
    assert {e.key for e in session_roster(session=session) if e.present} == {str(jordan.pk)}


def test_walk_ins_by_choosing_or_typing(client_for, session, pat, harbor):
    walker = ParticipantFactory(organization=harbor, given_name="Wren", created_by=pat)
    AssignmentFactory(participant=walker, peer=pat, assigned_by=pat)
    client = client_for(pat)
    url = session_url(session, "groups:session_walk_in")
    assert client.post(url, {"participant": walker.pk}).status_code == 302
    assert client.post(url, {"name": "Sky"}).status_code == 302
    response = client.post(url, {"name": ""})
    assert response.status_code == 400
    assert "Choose a participant from the list or type the name" in response.content.decode()
    html = client.get(session_url(session)).content.decode()
    assert "Wren" in html and "Sky" in html and "walk-in" in html


def test_move_and_cancel_from_the_page(client_for, group, pat):
    first, second = group.sessions.filter(starts_at__gt=timezone.now())[:2]
    client = client_for(pat)
    new_start = timezone.localtime(first.starts_at) + datetime.timedelta(hours=2)
    response = client.post(
        session_url(first, "groups:session_move"),
        {"starts_at": new_start.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "60"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.is_moved and first.starts_at == new_start
    response = client.post(session_url(second, "groups:session_cancel"), {"reason": ""})
    assert response.status_code == 400
    assert "Say why it is cancelled" in response.content.decode()
    client.post(session_url(second, "groups:session_cancel"), {"reason": "Storm"})
    second.refresh_from_db()
    assert second.is_cancelled and second.cancel_reason == "Storm"
    html = client.get(reverse("groups:detail", args=[group.pk])).content.decode()
    assert "Cancelled" in html and "Storm" in html and "Moved" in html


def test_a_peer_who_does_not_facilitate_reads_but_cannot_record(
    client_for, session, quinn, casey, jordan
):
    client = client_for(quinn)
    response = client.get(session_url(session))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Casey" in html and "Jordan" not in html and "Save attendance" not in html
    for name in ("groups:session_attendance", "groups:session_walk_in", "groups:session_cancel"):
        assert client.post(session_url(session, name), {"present": []}).status_code == 403
    tap = reverse("groups:session_toggle", args=[session.pk, casey.pk])
    assert client.post(tap, {"present": [str(casey.pk)]}).status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "groups:session",
        "groups:session_attendance",
        "groups:session_walk_in",
        "groups:session_move",
        "groups:session_cancel",
    ],
)
def test_olive_gets_404_on_harbor_sessions_and_attendance(client_for, session, olive, name):
    client = client_for(olive)
    response = client.post(session_url(session, name)) if name != "groups:session" else None
    if response is None:
        response = client.get(session_url(session, name))
    assert response.status_code == 404


def test_olive_gets_404_on_harbor_groups(client_for, group, olive, jordan):
    client = client_for(olive)
    for name in ("groups:detail", "groups:edit"):
        assert client.get(reverse(name, args=[group.pk])).status_code == 404
    assert client.post(reverse("groups:enroll", args=[group.pk])).status_code == 404
    tap = reverse("groups:session_toggle", args=[past_session(group).pk, jordan.pk])
    assert client.post(tap).status_code == 404
    assert "Tuesday circle" not in client.get(reverse("groups:list")).content.decode()
    assert AuditEvent.objects.filter(
        action="access.refused", actor=olive, object_id=str(group.pk)
    ).exists()


def test_a_participant_account_cannot_open_groups(client_for, group, riley):
    assert client_for(riley).get(reverse("groups:list")).status_code == 403
    assert client_for(riley).get(reverse("groups:detail", args=[group.pk])).status_code == 403


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_attendance_page_queries_do_not_grow_with_the_roster(client_for, session, pat, harbor):
    client = client_for(pat)
    path = session_url(session)
    services.attendance_record(member=member_of(pat), session=session, present=[])
    services.walk_in_add(member=member_of(pat), session=session, name="Sky")
    few = _queries(client, path)
    for n in range(8):
        someone = ParticipantFactory(organization=harbor, created_by=pat, given_name=f"P{n}")
        AssignmentFactory(participant=someone, peer=pat, assigned_by=pat)
        services.group_enroll(member=member_of(pat), group=session.group, participant=someone)
        services.walk_in_add(member=member_of(pat), session=session, name=f"Walk {n}")
    services.attendance_record(
        member=member_of(pat),
        session=session,
        present=[e.key for e in session_roster(session=session)],
    )
    assert _queries(client, path) == few


def test_attendance_page_queries_for_a_peer_who_sees_part_of_the_roster(
    client_for, session, quinn, pat, harbor
):
    client = client_for(quinn)
    path = session_url(session)
    few = _queries(client, path)
    for _ in range(5):
        someone = ParticipantFactory(organization=harbor, created_by=pat)
        AssignmentFactory(participant=someone, peer=pat, assigned_by=pat)
        services.group_enroll(member=member_of(pat), group=session.group, participant=someone)
    assert _queries(client, path) == few


def test_group_page_queries_do_not_grow_with_sessions_or_roster(client_for, group, pat, harbor):
    client = client_for(pat)
    path = reverse("groups:detail", args=[group.pk])
    client.get(path)
    few = _queries(client, path)
    for _ in range(5):
        someone = ParticipantFactory(organization=harbor, created_by=pat)
        AssignmentFactory(participant=someone, peer=pat, assigned_by=pat)
        services.group_enroll(member=member_of(pat), group=group, participant=someone)
    assert _queries(client, path) == few


# The calendar feed --------------------------------------------------------------------------


def _feed_url(client):
    response = client.post(reverse("groups:calendar"), {"action": "create"})
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index("http://testserver/groups/calendar/")
    return html[start : html.index('"', start)].replace("http://testserver", "")


def test_calendar_feed_lists_sessions_and_follow_ups_without_names(
    client, client_for, group, pat, jordan, mercy_referral
):
    from beacon.participants.models import Participant

    Participant.objects.filter(pk=jordan.pk).update(
        next_follow_up_on=timezone.localdate() + datetime.timedelta(days=3)
    )
    upcoming = group.sessions.filter(starts_at__gt=timezone.now()).first()
    services.session_cancel(member=member_of(pat), session=upcoming, reason="Storm")
    url = _feed_url(client_for(pat))
    assert AuditEvent.objects.filter(action="calendar_feed.created", actor=pat).exists()

    response = client.get(url)  # no sign-in
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    summaries = [str(e["SUMMARY"]) for e in events]
    assert f"Follow-up (record {jordan.record_number})" in summaries
    assert f"Referral follow-up (record {jordan.record_number})" in summaries
    assert summaries.count("Tuesday circle") >= 50
    cancelled = next(e for e in events if str(e["UID"]) == f"group-session-{upcoming.pk}@beacon")
    assert str(cancelled["STATUS"]) == "CANCELLED"
    follow_up = next(e for e in events if str(e["UID"]) == f"follow-up-{jordan.pk}@beacon")
    assert f"/participants/{jordan.pk}/" in str(follow_up["URL"])
    for private in ("Jordan", "Rivers", "Casey", "555-0101", "buprenorphine", "Storm"):
        assert private not in body


def test_calendar_feed_does_not_list_another_peers_caseload(client, client_for, group, quinn):
    body = client.get(_feed_url(client_for(quinn))).content.decode()
    assert "Tuesday circle" not in body  # Quinn does not facilitate it
    assert "Follow-up" not in body


def test_revoked_regenerated_and_unknown_feeds_answer_404(client, client_for, pat):
    browser = client_for(pat)
    old = _feed_url(browser)
    new = _feed_url(browser)  # making a new one stops the old one
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    browser.post(reverse("groups:calendar"), {"action": "revoke"})
    assert client.get(new).status_code == 404
    assert client.get("/groups/calendar/cal_nothing.ics").status_code == 404
    assert AuditEvent.objects.filter(action="calendar_feed.revoked", actor=pat).count() == 2
    assert not CalendarFeed.objects.filter(revoked_at__isnull=True).exists()
    assert all(len(f.token_hash) == 64 for f in CalendarFeed.objects.all())


def test_a_feed_stops_when_its_owner_leaves(client, client_for, pat):
    url = _feed_url(client_for(pat))
    from beacon.organizations.models import Membership

    Membership.objects.filter(user=pat).update(is_active=False)
    assert client.get(url).status_code == 404


def test_calendar_page_shows_the_address_once(client_for, pat):
    browser = client_for(pat)
    url = _feed_url(browser)
    html = browser.get(reverse("groups:calendar")).content.decode()
    assert url not in html and "Stop my calendar address" in html


# My day -------------------------------------------------------------------------------------


def test_my_day_shows_todays_sessions_for_their_facilitator(client_for, group, pat, quinn):
    html = client_for(pat).get(reverse("myday:my_day")).content.decode()
    today = next(
        s for s in group.sessions.all() if timezone.localdate(s.starts_at) == timezone.localdate()
    )
    assert "Your group session today (1)" in html
    assert session_url(today) in html
    html = client_for(quinn).get(reverse("myday:my_day")).content.decode()
    assert "No group sessions for you today." in html


def test_my_day_queries_do_not_grow_with_sessions_today(client_for, make_group, pat):
    client = client_for(pat)
    make_group(pat, name="One")
    few = _queries(client, reverse("myday:my_day"))
    for n in range(4):
        make_group(pat, name=f"More {n}")
    html = client.get(reverse("myday:my_day")).content.decode()
    assert "Your group sessions today (5)" in html
    assert _queries(client, reverse("myday:my_day")) == few


def test_attendance_shows_on_the_participant_page(client_for, session, pat, jordan):
    services.attendance_record(member=member_of(pat), session=session, present=[str(jordan.pk)])
    html = client_for(pat).get(reverse("participants:detail", args=[jordan.pk])).content.decode()
    assert "Came to Tuesday circle" in html and session_url(session) in html


def test_pathway_groups_show_the_pathway_by_name(client_for, make_group, pat):
    group = make_group(pat, kind="pathway", pathway="moud", name="MOUD circle")
    html = client_for(pat).get(reverse("groups:detail", args=[group.pk])).content.decode()
    assert "Pathway-specific group (" in html and "(moud)" not in html


def test_a_new_group_names_every_error_at_once(client_for, pat):
    """Issue 15: the service's rules (a video link it cannot use, the last day before the
    first, a pathway group with no pathway) were named only once the form's own errors were
    fixed."""
    today = timezone.localdate()
    response = client_for(pat).post(
        reverse("groups:new"),
        group_form(
            kind="pathway",
            pathway="",
            weekdays=[],
            facilitators=[str(pat.pk)],
            video_url="meet.example",
            starts_on=today.isoformat(),
            ends_on=(today - datetime.timedelta(days=7)).isoformat(),
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    for message in (
        "Choose at least one day of the week.",
        "Enter the full video link, starting with https://",
        "The last day cannot be before the first day.",
        "Choose the pathway this group is for.",
    ):
        assert message in html
    assert 'value="meet.example"' in html
    assert not Group.objects.exists()
