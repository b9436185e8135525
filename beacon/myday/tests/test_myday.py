"""My day: each list's rules, who sees what, and a page that costs the same for any caseload."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beacon.accounts.tests.factories import UserFactory
from beacon.encounters.models import Encounter
from beacon.myday.selectors import FIRST_ROWS, PAGE_ROWS, my_day
from beacon.organizations.models import Role
from beacon.organizations.tests.factories import MembershipFactory
from beacon.participants.models import CaseloadRole
from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory
from conftest import member_of

TZ = ZoneInfo("America/New_York")
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=TZ)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _frozen_clock():
    # Requested first (autouse), so the standing participants are enrolled and assigned "now".
    with time_machine.travel(NOW, tick=False):
        yield


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


def participant_for(peer, *, role=CaseloadRole.PRIMARY, started_at=None, **fields):
    """An active participant in the peer's organization, on the peer's caseload."""
    org = member_of(peer).organization
    participant = ParticipantFactory(organization=org, created_by=peer, **fields)
    AssignmentFactory(participant=participant, peer=peer, role=role, started_at=started_at or NOW)
    return participant


def encounter(participant, peer, *, occurred_at, crisis_flag=True):
    return Encounter.objects.create(
        organization=participant.organization,
        participant=participant,
        peer=peer,
        occurred_at=occurred_at,
        duration_minutes=30,
        modality="in_person",
        setting="community",
        kind="crisis_support" if crisis_flag else "check_in",
        crisis_flag=crisis_flag,
        created_by=peer,
    )


def day_for(user):
    return my_day(member=member_of(user))


def names(section):
    rows = section.rows
    return [getattr(r, "participant", r).given_name for r in rows]


# Follow-ups


def test_follow_ups_due_today_and_overdue_oldest_first(pat, jordan):
    jordan.next_follow_up_on = TODAY
    jordan.save(update_fields=["next_follow_up_on"])
    participant_for(pat, given_name="Avery", next_follow_up_on=days_ago(3))
    participant_for(pat, given_name="Blake", next_follow_up_on=days_ago(-1))
    participant_for(pat, given_name="Cam")
    participant_for(
        pat,
        given_name="Dale",
        next_follow_up_on=days_ago(9),
        discharged_on=days_ago(1),
        discharge_reason="goals_met",
    )
    participant_for(pat, given_name="Eli", next_follow_up_on=days_ago(9), merged_into=jordan)

    section = day_for(pat).follow_ups

    assert names(section) == ["Avery", "Jordan"]
    assert [r.days for r in section.rows] == [3, 0]
    assert section.total == 2


def test_follow_ups_page_says_how_late(client_for, pat, jordan):
    jordan.next_follow_up_on = days_ago(1)
    jordan.save(update_fields=["next_follow_up_on"])
    participant_for(pat, given_name="Avery", next_follow_up_on=TODAY)
    html = client_for(pat).get("/").content.decode()
    assert "Follow-ups due (2)" in html
    assert "1 day overdue" in html
    assert "Due today" in html


def test_no_follow_ups_is_said_plainly(client_for, pat, jordan):
    html = client_for(pat).get("/").content.decode()
    assert "Follow-ups due (0)" in html
    assert "No follow-ups due today." in html


def test_secondary_peers_see_the_participant_too(pat, quinn, casey):
    AssignmentFactory(participant=casey, peer=pat, role=CaseloadRole.SECONDARY)
    casey.next_follow_up_on = TODAY
    casey.save(update_fields=["next_follow_up_on"])
    assert names(day_for(pat).follow_ups) == ["Casey"]


# No contact


def test_no_contact_for_more_than_the_organization_threshold(pat, harbor):
    assert harbor.overdue_after_days == 30
    participant_for(pat, given_name="Old", last_contact_at=at(days_ago(31)))
    participant_for(pat, given_name="Older", last_contact_at=at(days_ago(90)))
    participant_for(pat, given_name="Edge", last_contact_at=at(days_ago(30), hour=0))
    participant_for(pat, given_name="Recent", last_contact_at=at(days_ago(5)))
    participant_for(pat, given_name="Never", enrolled_on=days_ago(31))
    participant_for(pat, given_name="New", enrolled_on=days_ago(30))

    section = day_for(pat).no_contact

    # Never contacted first, then the longest without contact.
    assert names(section) == ["Never", "Older", "Old"]
    assert [r.days for r in section.rows] == [None, 90, 31]


def test_no_contact_follows_the_organization_setting(pat, harbor):
    harbor.overdue_after_days = 7
    harbor.save(update_fields=["overdue_after_days"])
    participant_for(pat, given_name="Ten", last_contact_at=at(days_ago(10)))
    participant_for(pat, given_name="Five", last_contact_at=at(days_ago(5)))
    assert names(day_for(pat).no_contact) == ["Ten"]


def test_no_contact_page(client_for, pat, jordan):
    jordan.last_contact_at = at(days_ago(45))
    jordan.save(update_fields=["last_contact_at"])
    participant_for(pat, given_name="Avery", enrolled_on=days_ago(60))
    html = client_for(pat).get("/").content.decode()
    assert "No contact in a while (2)" in html
    assert "Last contact 45 days ago" in html
    assert "No contact yet since enrolling on" in html


def test_everyone_in_touch_is_said_plainly(client_for, pat, jordan):
    html = client_for(pat).get("/").content.decode()
    assert "Everyone on your caseload has been in touch recently." in html


# New assignments


def test_new_assignments_are_this_peers_current_ones_from_the_last_week(pat, quinn, jordan, casey):
    participant_for(pat, given_name="Six", started_at=NOW - datetime.timedelta(days=6))
    participant_for(pat, given_name="Eight", started_at=NOW - datetime.timedelta(days=8))
    ended = participant_for(pat, given_name="Gone", started_at=NOW - datetime.timedelta(days=2))
    ended.assignments.update(ended_at=NOW, ended_by=pat)

    section = day_for(pat).new_assignments

    assert names(section) == ["Jordan", "Six"]
    assert {a.peer for a in section.rows} == {pat}


def test_new_assignment_page_says_who_assigned(client_for, pat, sam, jordan):
    participant = participant_for(pat, given_name="Avery")
    participant.assignments.update(assigned_by=sam)
    html = client_for(pat).get("/").content.decode()
    assert "New assignments (2)" in html
    assert "assigned by Sam Supervisor" in html


def test_no_new_assignments(client_for, pat):
    html = client_for(pat).get("/").content.decode()
    assert "No new assignments in the last 7 days." in html


# Crisis flags


def test_crisis_flags_from_the_last_week_on_the_caseload(pat, quinn, jordan, casey, morgan, olive):
    encounter(jordan, pat, occurred_at=NOW - datetime.timedelta(days=2))
    encounter(jordan, quinn, occurred_at=NOW - datetime.timedelta(hours=1))
    encounter(jordan, pat, occurred_at=NOW - datetime.timedelta(days=8))
    encounter(jordan, pat, occurred_at=NOW, crisis_flag=False)
    encounter(casey, quinn, occurred_at=NOW)
    encounter(morgan, olive, occurred_at=NOW)

    section = day_for(pat).crisis_flags

    # Newest first, whoever logged it (flags without a follow-through record: all "resolved").
    assert [(r.participant, r.encounter.peer) for r in section.rows] == [
        (jordan, quinn),
        (jordan, pat),
    ]
    assert section.total == 2


def test_crisis_flags_page(client_for, pat, jordan):
    encounter(jordan, pat, occurred_at=NOW - datetime.timedelta(days=1))
    html = client_for(pat).get("/").content.decode()
    assert "Crisis flags (1)" in html
    assert "logged by Pat Peer" in html
    flagged = Encounter.objects.get(participant=jordan)
    assert f'href="{reverse("encounters:detail", args=[flagged.pk])}"' in html


def test_no_crisis_flags(client_for, pat, jordan):
    html = client_for(pat).get("/").content.decode()
    assert "No open crisis flags, and none in the last 7 days." in html


# What each person sees


def _everything_due(participant, peer):
    participant.next_follow_up_on = days_ago(2)
    participant.last_contact_at = at(days_ago(40))
    participant.save(update_fields=["next_follow_up_on", "last_contact_at"])
    encounter(participant, peer, occurred_at=NOW - datetime.timedelta(days=1))


@pytest.fixture
def busy(pat, quinn, olive, jordan, casey, morgan):
    for participant, peer in ((jordan, pat), (casey, quinn), (morgan, olive)):
        _everything_due(participant, peer)


def _sections(day):
    return [day.follow_ups, day.no_contact, day.new_assignments, day.crisis_flags]


def test_a_peer_sees_only_their_own_caseload(busy, pat, quinn):
    for section in _sections(day_for(pat)):
        assert names(section) == ["Jordan"]
    for section in _sections(day_for(quinn)):
        assert names(section) == ["Casey"]


def test_a_peer_sees_only_their_own_caseload_even_when_records_are_open_to_the_team(
    busy, pat, harbor
):
    harbor.participants_open_to_team = True
    harbor.save(update_fields=["participants_open_to_team"])
    for section in _sections(day_for(pat)):
        assert names(section) == ["Jordan"]


def test_pat_sees_jordan_not_casey_on_the_page(busy, client_for, pat, jordan, casey):
    response = client_for(pat).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jordan Rivers" in html
    assert "Casey" not in html and "Morgan" not in html
    assert f'href="{reverse("participants:detail", args=[jordan.pk])}"' in html
    assert f'href="{reverse("encounters:new")}?participant={jordan.pk}"' in html
    assert "You are working with 1 participant." in html
    # Peers see no caseload table.
    assert "Caseload sizes" not in html


def test_olive_sees_nothing_of_harbor(busy, client_for, olive, jordan, casey):
    html = client_for(olive).get("/").content.decode()
    assert "Morgan Hill" in html
    assert "Jordan" not in html and "Casey" not in html
    assert str(jordan.pk) not in html and str(casey.pk) not in html


def test_supervisor_sees_the_whole_team_with_each_primary_peer(busy, sam):
    day = day_for(sam)
    assert day.whole_organization
    for section in _sections(day):
        assert sorted(names(section)) == ["Casey", "Jordan"]
    assert {(r.participant.given_name, r.peer_name) for r in day.follow_ups.rows} == {
        ("Jordan", "Pat Peer"),
        ("Casey", "Quinn Peer"),
    }


def test_supervisor_page_names_the_peers(busy, client_for, sam, ada):
    for user in (sam, ada):
        html = client_for(user).get("/").content.decode()
        assert "Jordan Rivers" in html and "Casey Lake" in html and "Morgan" not in html
        assert "Primary peer: Pat Peer" in html
        assert "Quinn Peer, Primary peer, since" in html
        assert "2 active participants in Harbor Recovery Community." in html


def test_supervisor_sees_who_has_no_primary_peer(client_for, sam, harbor):
    ParticipantFactory(organization=harbor, created_by=sam, given_name="Unassigned")
    day = day_for(sam)
    assert day.without_primary_peer == 1
    html = client_for(sam).get("/").content.decode()
    assert "1 of them has no primary peer yet." in html


def test_caseload_sizes_per_peer_largest_first_including_empty_ones(
    client_for, sam, pat, quinn, harbor, jordan, casey
):
    nia = MembershipFactory(
        organization=harbor, role=Role.PEER, user=UserFactory(name="Nia Newpeer")
    ).user
    participant_for(quinn, given_name="Two")
    participant_for(pat, given_name="Second", role=CaseloadRole.SECONDARY)
    participant_for(quinn, given_name="Done", discharged_on=TODAY, discharge_reason="goals_met")
    participant_for(quinn, given_name="Merged", merged_into=casey)
    # A supervisor carrying a caseload is counted; one without is not listed.
    participant_for(sam, given_name="Sams")
    # Someone no longer active who still holds a caseload stays visible until it is moved.
    leaver = MembershipFactory(
        organization=harbor, role=Role.PEER, user=UserFactory(name="Lee Leaver"), is_active=False
    ).user
    participant_for(leaver, given_name="Stranded")
    MembershipFactory(organization=harbor, role=Role.PEER, is_active=False)

    rows = day_for(sam).caseloads.rows

    assert [(r.membership.user, r.primary, r.secondary) for r in rows] == [
        (quinn, 2, 0),
        (pat, 1, 1),
        (leaver, 1, 0),
        (sam, 1, 0),
        (nia, 0, 0),
    ]
    html = client_for(sam).get("/").content.decode()
    assert "Caseload sizes (5)" in html
    assert "<caption>" in html
    assert "Nia Newpeer" in html
    assert "no longer active" in html


def test_lists_show_their_first_rows_the_full_count_and_a_way_to_all(client_for, pat):
    for _ in range(FIRST_ROWS + 5):
        participant_for(pat, next_follow_up_on=days_ago(1))
    section = day_for(pat).follow_ups
    assert len(section.rows) == FIRST_ROWS
    assert section.total == FIRST_ROWS + 5
    html = client_for(pat).get("/").content.decode()
    assert f"Follow-ups due ({FIRST_ROWS + 5})" in html
    assert f"Showing the first {FIRST_ROWS} of {FIRST_ROWS + 5}." in html
    # The link names its list for screen readers through the section's heading.
    assert (
        f'<a href="{reverse("myday:list", args=["follow-ups"])}" '
        f'aria-describedby="myday-follow-ups">See all {FIRST_ROWS + 5}</a>'
    ) in html


def test_preferred_name_comes_first(client_for, pat):
    participant = participant_for(
        pat, given_name="Alexander", family_name="Stone", preferred_name="Lex", record_number=4242
    )
    participant.next_follow_up_on = TODAY
    participant.save(update_fields=["next_follow_up_on"])
    html = client_for(pat).get("/").content.decode()
    assert "Lex Stone" in html and "Alexander" not in html
    assert "Record 4242" in html


# The page itself


@pytest.mark.parametrize("path", ["/", "/my-day/"])
def test_staff_land_on_my_day(client_for, pat, sam, ada, path):
    for user in (pat, sam, ada):
        response = client_for(user).get(path)
        assert response.status_code == 200
        assert response.templates[0].name == "myday/my_day.html"


def test_org_admins_keep_their_shortcuts(client_for, ada):
    html = client_for(ada).get("/").content.decode()
    assert reverse("organizations:members") in html
    assert reverse("audit:list") in html


def test_participants_go_to_their_own_beacon_and_platform_admins_keep_the_plain_home(
    client_for, riley
):
    response = client_for(riley).get("/")
    assert response.status_code == 302 and response.url == "/my/"  # docs/portal.md
    assert client_for(riley).get("/my-day/").status_code == 403

    admin = UserFactory(is_platform_admin=True)
    response = client_for(admin).get("/")
    assert response.templates[0].name == "core/home.html"
    assert "Manage organizations" in response.content.decode()
    assert client_for(admin).get("/my-day/").status_code == 403


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/my-day/")
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_page_is_accessible_and_csp_safe(busy, client_for, sam):
    html = client_for(sam).get("/").content.decode()
    assert " style=" not in html and "<style" not in html and "<script>" not in html
    for heading in ("Follow-ups due (2)", "No contact in a while (2)", "New assignments (2)"):
        assert heading in html
    assert 'aria-labelledby="myday-follow-ups"' in html
    # Each "Log encounter" link says whom it is for, for screen readers.
    assert '<span class="visually-hidden"> with Jordan Rivers</span>' in html


# Query counts stay flat as caseloads grow


def _grow(pat, quinn, n):
    """n participants on Pat's caseload, each on every list, half with Quinn as secondary, with
    some encounter history."""
    for i in range(n):
        participant = participant_for(
            pat,
            next_follow_up_on=days_ago(i % 5),
            last_contact_at=at(days_ago(40 + i)),
            started_at=NOW - datetime.timedelta(days=i % 3),
        )
        if i % 2:
            AssignmentFactory(participant=participant, peer=quinn, role=CaseloadRole.SECONDARY)
        encounter(participant, pat, occurred_at=NOW - datetime.timedelta(days=1))
        encounter(
            participant, pat, occurred_at=NOW - datetime.timedelta(days=60), crisis_flag=False
        )


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/", "/my-day/"])
def test_query_count_does_not_grow_with_the_caseload(client_for, pat, quinn, sam, path):
    clients = {user: client_for(user) for user in (pat, quinn, sam)}
    _grow(pat, quinn, 5)
    small = {user: _queries(client, path) for user, client in clients.items()}
    _grow(pat, quinn, 45)
    large = {user: _queries(client, path) for user, client in clients.items()}
    assert large == small
    # Today: session, user and memberships; the summary count; one query per list (its total
    # rides along, referrals waiting for an outcome included); the supervisor's caseload
    # table; supervision: a peer's new comments on their notes, a supervisor's review count and
    # workload signals; the group sessions they facilitate today (beacon.groups); requests to
    # reach out (beacon.checkins); unread messages from participants (beacon.messaging); what
    # participants did to their own plans (beacon.plans); for supervisors and admins, requests
    # to talk to a peer and the 30-day time to first contact (beacon.peerrequests), and who
    # needs a peer (beacon.matching: people without a primary peer, those whose peer is
    # leaving, those who asked for another); funder assessments with an open window
    # (beacon.programs, one query). Headroom for site-wide additions (a notification badge),
    # not for anything per row.
    assert small[pat] == small[quinn] <= 17
    assert small[sam] <= 24


# What each row says, and that it stays the same however it is built


def test_each_row_says_what_is_due_and_escapes_what_people_typed(client_for, pat, sam, harbor):
    """The rows are put together in Python (beacon.myday.display) from the templates' own
    messages: names are escaped wherever they appear, the sentences around them are not."""
    tricky = participant_for(
        pat,
        given_name="<b>Al</b>",
        family_name="O'Neil & Co",
        pronouns="he/him",
        record_number=77,
        next_follow_up_on=days_ago(3),
        last_contact_at=at(days_ago(40)),
    )
    tricky.assignments.update(assigned_by=sam)
    encounter(tricky, pat, occurred_at=NOW - datetime.timedelta(hours=2))
    escaped = "&lt;b&gt;Al&lt;/b&gt; O&#x27;Neil &amp; Co"
    detail_url = reverse("participants:detail", args=[tricky.pk])
    log_url = f"{reverse('encounters:new')}?participant={tricky.pk}"
    for user in (pat, sam):
        html = client_for(user).get("/").content.decode()
        assert "<b>Al</b>" not in html
        assert f'<a href="{detail_url}">{escaped}</a>' in html
        assert '<span class="myday-pronouns">(he/him)</span>' in html
        assert '<span class="myday-record">Record 77</span>' in html
        assert '<strong class="myday-late">3 days overdue</strong> (due Mar 7, 2026)' in html
        assert "Last contact 40 days ago (Jan 29, 2026)" in html
        assert "Crisis support on Mar 10, 2026, 10 a.m., logged by Pat Peer" in html
        assert (
            f'<a class="button button-secondary myday-action" href="{log_url}">Log encounter'
            f'<span class="visually-hidden"> with {escaped}</span></a>'
        ) in html
    pat_html = client_for(pat).get("/").content.decode()
    assert "You, Primary peer, since Mar 10, 2026 (assigned by Sam Supervisor)" in pat_html
    assert "Primary peer: Pat Peer" not in pat_html
    sam_html = client_for(sam).get("/").content.decode()
    assert "Pat Peer, Primary peer, since Mar 10, 2026 (assigned by Sam Supervisor)" in sam_html
    assert '<p class="myday-peer">Primary peer: Pat Peer</p>' in sam_html


def _reverses(client, path, monkeypatch):
    import django.urls

    calls = []
    real = django.urls.reverse

    def counting(*args, **kwargs):
        calls.append(args[0] if args else kwargs.get("viewname"))
        return real(*args, **kwargs)

    monkeypatch.setattr("beacon.myday.display.reverse", counting)
    monkeypatch.setattr("django.urls.reverse", counting)
    assert client.get(path).status_code == 200
    return len(calls)


@pytest.mark.parametrize("who", ["pat", "sam"])
def test_links_are_reversed_once_per_kind_not_once_per_row(
    who, client_for, pat, quinn, sam, monkeypatch
):
    """reverse() cost 20-40 µs a call, two calls a row before (bench/RESULTS.md)."""
    user = {"pat": pat, "sam": sam}[who]
    client = client_for(user)
    # Below FIRST_ROWS either way (a "See all" link is one more kind of link).
    _grow(pat, quinn, 2)
    few = _reverses(client, "/", monkeypatch)
    _grow(pat, quinn, 6)
    assert _reverses(client, "/", monkeypatch) == few


# "See all": each list in full, a page at a time


def test_see_all_lists_every_row_a_page_at_a_time(client_for, pat):
    for i in range(PAGE_ROWS + 3):
        participant_for(pat, given_name=f"P{i:03}", next_follow_up_on=days_ago(1))
    client = client_for(pat)
    path = reverse("myday:list", args=["follow-ups"])
    first = client.get(path).content.decode()
    second = client.get(path + "?page=2").content.decode()
    assert f"<h1>Follow-ups due ({PAGE_ROWS + 3})</h1>" in first
    shown = set(re.findall(r">(P\d{3}) ", first)) | set(re.findall(r">(P\d{3}) ", second))
    assert shown == {f"P{i:03}" for i in range(PAGE_ROWS + 3)}
    assert len(re.findall(r">(P\d{3}) ", first)) == PAGE_ROWS
    assert "Page 1 of 2" in first and 'href="?page=2" rel="next"' in first
    assert "Page 2 of 2" in second and 'href="?page=1" rel="prev"' in second
    assert client.get(path + "?page=3").status_code == 404
    assert client.get(path + "?page=x").status_code == 200  # the first page


@pytest.mark.parametrize(
    ("slug", "heading"),
    [
        ("follow-ups", "Follow-ups due (1)"),
        ("plan-reviews", "Plan reviews due (0)"),
        ("referrals", "Referrals waiting for an outcome (0)"),
        ("no-contact", "No contact in a while (1)"),
        ("new-assignments", "New assignments (1)"),
        ("crisis-flags", "Crisis flags (1)"),
    ],
)
def test_see_all_shows_only_what_my_day_covers(busy, client_for, pat, quinn, slug, heading):
    html = client_for(pat).get(reverse("myday:list", args=[slug])).content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert "Casey" not in html and "Morgan" not in html
    assert ("Jordan Rivers" in html) == (not heading.endswith("(0)</h1>") and "(0)" not in heading)


def test_see_all_for_the_organization_and_who_may_open_which_list(
    busy, client_for, pat, sam, olive
):
    html = client_for(sam).get(reverse("myday:list", args=["crisis-flags"])).content.decode()
    assert "Jordan Rivers" in html and "Casey Lake" in html and "Morgan" not in html
    assert "Open flags first, however old; then those resolved in the last 7 days." in html
    caseloads = client_for(sam).get(reverse("myday:list", args=["caseloads"]))
    assert caseloads.status_code == 200 and "Pat Peer" in caseloads.content.decode()
    # The caseload table is the organization's; comments on one's notes are a peer's.
    assert client_for(pat).get(reverse("myday:list", args=["caseloads"])).status_code == 404
    assert client_for(sam).get(reverse("myday:list", args=["comments"])).status_code == 404
    assert client_for(pat).get(reverse("myday:list", args=["comments"])).status_code == 200
    assert client_for(pat).get("/my-day/everything/").status_code == 404
    olive_html = (
        client_for(olive).get(reverse("myday:list", args=["crisis-flags"])).content.decode()
    )
    assert "Morgan Hill" in olive_html and "Jordan" not in olive_html


def test_see_all_is_for_staff(client_for, riley, client):
    assert client_for(riley).get(reverse("myday:list", args=["follow-ups"])).status_code == 403
    assert client.get(reverse("myday:list", args=["follow-ups"])).status_code == 302


@pytest.mark.parametrize("slug", ["follow-ups", "plan-reviews", "crisis-flags", "caseloads"])
def test_see_all_query_count_does_not_grow(client_for, pat, quinn, sam, slug):
    client = client_for(sam)
    path = reverse("myday:list", args=[slug])
    _grow(pat, quinn, 3)
    small = _queries(client, path)
    _grow(pat, quinn, 30)
    assert _queries(client, path) == small


# My day's hand-written scope agrees with the one access rule ----------------------------------


@pytest.mark.parametrize("open_to_team", [False, True])
def test_my_day_covers_only_participants_the_person_may_see(
    open_to_team, harbor, ada, sam, pat, quinn, olive, jordan, casey, morgan
):
    """My day reads participants with SQL of its own (docs/decisions/0006-myday-sql.md); what it
    covers must stay inside participants_visible_to, the rule every other page uses, for every
    role and with Harbor's records open to the team or not. A peer's day is their own caseload
    either way; supervisors and admins see their whole organization."""
    from beacon.myday.selectors import myday_participants
    from beacon.participants.permissions import participants_visible_to

    harbor.participants_open_to_team = open_to_team
    harbor.save()
    discharged = participant_for(pat, discharged_on=TODAY, discharge_reason="goals_met")
    expected = {
        pat: {jordan.pk},
        quinn: {casey.pk},
        sam: {jordan.pk, casey.pk},
        ada: {jordan.pk, casey.pk},
        olive: {morgan.pk},
    }
    for user, ids in expected.items():
        member = member_of(user)
        covered = set(myday_participants(member=member).values_list("pk", flat=True))
        visible = set(participants_visible_to(member).values_list("pk", flat=True))
        assert covered == ids, user
        assert covered <= visible, user
        assert discharged.pk not in covered


@pytest.mark.parametrize("user", ["pat", "sam"])
def test_crisis_flags_are_the_first_section(busy, client_for, user, request):
    """Crisis first, for the peer and the supervisor: the list was last, a long scroll down."""
    html = client_for(request.getfixturevalue(user)).get("/").content.decode()
    sections = re.findall(r'<section class="myday-section" aria-labelledby="([^"]+)"', html)
    assert len(sections) > 3
    assert sections[0] == "myday-crisis"
