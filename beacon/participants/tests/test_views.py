import uuid
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.encounters.models import Encounter
from beacon.participants.models import Participant
from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory
from conftest import without_csrf


def detail(p):
    return reverse("participants:detail", args=[p.pk])


# Visibility --------------------------------------------------------------------------------------


def test_pat_sees_his_caseload(client_for, pat, jordan):
    response = client_for(pat).get(detail(jordan))
    assert response.status_code == 200
    assert "Jordan Rivers" in response.content.decode()


@pytest.mark.parametrize("outsider", ["quinn", "olive", "riley"])
def test_everyone_else_gets_404_exactly_like_a_missing_record(
    client_for, request, outsider, jordan
):
    client = client_for(request.getfixturevalue(outsider))
    pages = ["detail", "timeline", "edit", "discharge"]
    for page in pages:
        hidden = client.get(reverse(f"participants:{page}", args=[jordan.pk]))
        missing = client.get(reverse(f"participants:{page}", args=[uuid.uuid4()]))
        assert hidden.status_code == missing.status_code == 404, page
        assert without_csrf(hidden.content) == without_csrf(missing.content)
    refusals = AuditEvent.objects.filter(action="access.refused", object_id=str(jordan.pk))
    assert refusals.count() == len(pages)


@pytest.mark.parametrize("who", ["sam", "ada"])
def test_supervisors_and_admins_see_everyone_in_the_organization(
    client_for, request, who, jordan, casey
):
    client = client_for(request.getfixturevalue(who))
    assert client.get(detail(jordan)).status_code == 200
    assert client.get(detail(casey)).status_code == 200


def test_organization_can_open_participants_to_the_whole_team(client_for, quinn, harbor, jordan):
    harbor.participants_open_to_team = True
    harbor.save()
    client = client_for(quinn)
    assert client.get(detail(jordan)).status_code == 200
    # Seeing is not editing: the record itself is for the peers on the caseload.
    assert client.get(reverse("participants:edit", args=[jordan.pk])).status_code == 403


def test_a_transferred_participant_leaves_the_old_peers_view(client_for, sam, pat, quinn, jordan):
    client_for(sam).post(
        reverse("participants:caseload", args=[jordan.pk]),
        {"peer": str(quinn.memberships.get().pk), "role": "primary"},
    )
    assert client_for(pat).get(detail(jordan)).status_code == 404
    assert client_for(quinn).get(detail(jordan)).status_code == 200


def test_list_shows_only_what_the_peer_may_see(client_for, pat, jordan, casey, morgan):
    html = client_for(pat).get(reverse("participants:list")).content.decode()
    assert "Jordan Rivers" in html
    assert "Casey" not in html and "Morgan" not in html


@pytest.mark.parametrize("query", ["jord", "Rivers", "555-0101", "0101"])
def test_search_by_name_phone_or_record_number(client_for, sam, jordan, casey, query):
    html = client_for(sam).get(reverse("participants:list"), {"q": query}).content.decode()
    assert "Jordan Rivers" in html and "Casey" not in html


def test_search_by_record_number(client_for, sam, jordan, casey):
    response = client_for(sam).get(reverse("participants:list"), {"q": str(casey.record_number)})
    assert [p.pk for p in response.context["participants"]] == [casey.pk]


def test_search_as_you_type_returns_only_the_results(client_for, sam, jordan):
    response = client_for(sam).get(
        reverse("participants:list"), {"q": "jor"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.startswith('<div id="participant-results">') and "Jordan Rivers" in html


# Reads are audited -------------------------------------------------------------------------------


def test_every_read_of_the_record_and_timeline_is_audited(client_for, pat, jordan):
    client = client_for(pat)
    client.get(detail(jordan))
    client.get(reverse("participants:timeline", args=[jordan.pk]))
    seen = list(
        AuditEvent.objects.filter(action="participant.viewed", object_id=str(jordan.pk))
        .order_by("id")
        .values_list("details__seen", flat=True)
    )
    assert seen == ["record", "timeline"]


def test_admins_list_who_accessed_a_participant(client_for, ada, pat, sam, jordan):
    client_for(pat).get(detail(jordan))
    client_for(sam).get(detail(jordan))
    response = client_for(ada).get(reverse("participants:access_log", args=[jordan.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pat Peer" in html and "Sam Supervisor" in html
    assert (
        client_for(sam).get(reverse("participants:access_log", args=[jordan.pk])).status_code == 403
    )


# Intake ------------------------------------------------------------------------------------------


def test_intake_by_a_peer_lands_on_the_new_record(client_for, pat):
    response = client_for(pat).post(
        reverse("participants:new"),
        {
            "given_name": "Ana",
            "family_name": "Diaz",
            "pathways": ["moud", "harm_reduction"],
            "insurance": "medicaid",
            "preferred_language": "Spanish",
            "enrolled_on": "2026-01-05",
        },
    )
    participant = Participant.objects.get(given_name="Ana")
    assert response.url == detail(participant)
    assert participant.pathways == ["moud", "harm_reduction"]
    assert participant.assignments.get().peer == pat


def test_intake_shows_likely_duplicates_first_and_keeps_what_was_typed(
    client_for, pat, quinn, casey
):
    casey.date_of_birth = date(1991, 2, 3)
    casey.save()
    data = {
        "given_name": "Casy",
        "family_name": "Lake",
        "date_of_birth": "1991-02-03",
        "preferred_language": "English",
        "insurance": "unknown",
        "enrolled_on": "2026-01-05",
        "contact_notes": "Call after 5",
    }
    client = client_for(pat)
    response = client.post(reverse("participants:new"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This person may already have a record" in html
    # Casey is on Quinn's caseload: Pat learns only that a record exists, not whose it is.
    assert f"Record {casey.record_number}, on another peer" in html and "Casey Lake" not in html
    assert 'value="Call after 5"' in html and 'value="Casy"' in html
    assert not Participant.objects.filter(given_name="Casy").exists()
    response = client.post(reverse("participants:new"), {**data, "confirmed_new": "1"})
    assert response.status_code == 302
    assert Participant.objects.filter(given_name="Casy").exists()


def test_intake_errors_are_specific(client_for, pat):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(pat).post(
        reverse("participants:new"),
        {
            "given_name": "",
            "date_of_birth": tomorrow,
            "preferred_language": "English",
            "insurance": "unknown",
            "enrolled_on": "2026-01-05",
            "email": "not-mail",
        },
    )
    html = response.content.decode()
    assert "This field is required." in html
    assert "The date of birth is in the future." in html
    assert "Enter a valid email address." in html


def test_supervisor_chooses_the_primary_peer_at_intake(client_for, sam, quinn, harbor):
    quinn_membership = quinn.memberships.get()
    response = client_for(sam).post(
        reverse("participants:new"),
        {
            "given_name": "Lu",
            "primary_peer": str(quinn_membership.pk),
            "preferred_language": "English",
            "insurance": "unknown",
            "enrolled_on": "2026-01-05",
        },
    )
    assert response.status_code == 302
    assert Participant.objects.get(given_name="Lu").assignments.get().peer == quinn


def test_a_peer_cannot_pick_someone_elses_caseload_at_intake(client_for, pat, quinn):
    """Issue 14: the page offers peers no choice of primary peer, and one sent anyway is not
    taken: the person lands on the peer's own caseload."""
    page = client_for(pat).get(reverse("participants:new"))
    assert b'name="primary_peer"' not in page.content
    response = client_for(pat).post(
        reverse("participants:new"),
        {
            "given_name": "Lu",
            "primary_peer": str(quinn.memberships.get().pk),
            "preferred_language": "English",
            "insurance": "unknown",
            "enrolled_on": "2026-01-05",
        },
    )
    assert response.status_code == 302
    assert Participant.objects.get(given_name="Lu").assignments.get().peer == pat


def test_participants_cannot_use_staff_pages(client_for, riley):
    assert client_for(riley).get(reverse("participants:list")).status_code == 403
    assert client_for(riley).get(reverse("participants:new")).status_code == 403


# Editing and conflicts ---------------------------------------------------------------------------


def _edit_data(participant, **changes):
    data = {
        "given_name": participant.given_name,
        "family_name": participant.family_name,
        "preferred_language": participant.preferred_language,
        "insurance": participant.insurance,
        "enrolled_on": participant.enrolled_on.isoformat(),
        "phone": participant.phone,
        "version": participant.version,
    }
    data.update(changes)
    return data


def test_edit_saves_and_is_audited(client_for, pat, jordan):
    response = client_for(pat).post(
        reverse("participants:edit", args=[jordan.pk]), _edit_data(jordan, pronouns="they/them")
    )
    assert response.status_code == 302
    old_pronouns = jordan.pronouns
    jordan.refresh_from_db()
    assert jordan.pronouns == "they/them" and jordan.version == 2
    # The form writes what was typed into the record it edits before the service compares:
    # the audit entry must still say what changed (it said nothing, and none was written).
    event = AuditEvent.objects.get(action="participant.updated", object_id=str(jordan.pk))
    assert event.actor == pat
    assert event.details["pronouns"]["new"] == "they/them"
    assert event.details["pronouns"]["old"] == old_pronouns


def test_a_stale_edit_shows_both_versions_and_loses_nothing(client_for, pat, sam, jordan):
    stale = _edit_data(jordan, pronouns="he/him", contact_notes="Mornings only")
    client_for(sam).post(
        reverse("participants:edit", args=[jordan.pk]), _edit_data(jordan, pronouns="she/her")
    )
    response = client_for(pat).post(reverse("participants:edit", args=[jordan.pk]), stale)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved changes while you were editing" in html
    assert "she/her" in html and "he/him" in html
    assert 'value="Mornings only"' in html
    jordan.refresh_from_db()
    assert jordan.pronouns == "she/her"
    # Sending again (now based on the current version) keeps Pat's version.
    response = client_for(pat).post(
        reverse("participants:edit", args=[jordan.pk]), {**stale, "version": jordan.version}
    )
    assert response.status_code == 302
    jordan.refresh_from_db()
    assert jordan.pronouns == "he/him"


def test_a_stale_edit_that_matches_what_was_saved_is_still_answered_409(
    client_for, pat, sam, jordan
):
    # Sam and Pat made the same change from the same version: nothing differs, yet Pat's save
    # was refused (stale) and she is told so, with the same status as any stale edit.
    stale = _edit_data(jordan, pronouns="she/her")
    client_for(sam).post(reverse("participants:edit", args=[jordan.pk]), stale)
    response = client_for(pat).post(reverse("participants:edit", args=[jordan.pk]), stale)
    assert response.status_code == 409
    assert "Your changes and theirs touch different fields." in response.content.decode()
    jordan.refresh_from_db()
    assert (jordan.pronouns, jordan.version) == ("she/her", 2)


def test_an_edit_that_is_not_valid_is_400_and_keeps_what_was_typed(client_for, pat, jordan):
    data = _edit_data(jordan, contact_notes="Call after 5", enrolled_on="not a date")
    response = client_for(pat).post(reverse("participants:edit", args=[jordan.pk]), data)
    assert response.status_code == 400
    assert 'value="Call after 5"' in response.content.decode()
    jordan.refresh_from_db()
    assert jordan.version == 1


# Caseload, discharge, merge ----------------------------------------------------------------------


def test_only_supervisors_and_admins_manage_caseloads(client_for, pat, jordan):
    assert (
        client_for(pat).get(reverse("participants:caseload", args=[jordan.pk])).status_code == 403
    )


def test_another_participants_assignment_through_this_record_is_404_and_audited(
    client_for, sam, jordan, casey
):
    """Ending an assignment names it under the participant loaded through the access check:
    Casey's, asked for under Jordan, is refused exactly like one that exists nowhere."""
    caseys = casey.assignments.get()
    client = client_for(sam)
    hidden, absent = (
        client.post(reverse("participants:caseload_end", args=[jordan.pk, pk]), {"note": "x"})
        for pk in (caseys.pk, uuid.uuid4())
    )
    assert hidden.status_code == absent.status_code == 404
    assert without_csrf(hidden.content) == without_csrf(absent.content)
    refusal = AuditEvent.objects.get(action="access.refused")
    assert (refusal.object_type, refusal.object_id) == (
        "participants.caseloadassignment",
        str(caseys.pk),
    )
    caseys.refresh_from_db()
    assert caseys.ended_at is None


def test_discharge_page(client_for, pat, jordan):
    response = client_for(pat).post(
        reverse("participants:discharge", args=[jordan.pk]),
        {"discharged_on": timezone.localdate().isoformat(), "reason": "moved", "note": ""},
    )
    assert response.status_code == 302
    jordan.refresh_from_db()
    assert jordan.discharge_reason == "moved"


def test_discharge_names_a_date_before_enrolment_with_the_other_errors(client_for, pat, jordan):
    """Issue 15: the date before the enrolment was named only once a reason was chosen."""
    before = jordan.enrolled_on - timedelta(days=3)
    response = client_for(pat).post(
        reverse("participants:discharge", args=[jordan.pk]),
        {"discharged_on": before.isoformat(), "reason": "", "note": "Kept."},
    )
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "This field is required." in html or "Select a valid choice" in html
    assert "The discharge date is before the enrolment date." in html
    assert "Kept." in html
    jordan.refresh_from_db()
    assert jordan.discharged_on is None


def test_merge_page_compares_then_merges(client_for, sam, jordan, casey):
    client = client_for(sam)
    url = reverse("participants:merge", args=[jordan.pk])
    page = client.get(url, {"duplicate": casey.record_number}).content.decode()
    assert "Compare the two records" in page and "Casey Lake" in page
    response = client.post(url, {"duplicate": casey.record_number, "confirm": "1"})
    assert response.status_code == 302
    casey.refresh_from_db()
    assert casey.merged_into_id == jordan.pk
    assert client.get(detail(casey)).status_code == 404  # merged records leave the lists


def test_merge_with_an_unknown_number_says_so(client_for, sam, jordan):
    response = client_for(sam).get(
        reverse("participants:merge", args=[jordan.pk]), {"duplicate": 99999}
    )
    assert "No other record has that number." in response.content.decode()


def test_admin_adds_a_priority_population(client_for, ada, harbor):
    response = client_for(ada).post(reverse("participants:populations"), {"name": "Farmworkers"})
    assert response.status_code == 302
    page = client_for(ada).get(reverse("participants:new")).content.decode()
    assert "Farmworkers" in page and "Veteran" in page


# Query counts stay flat --------------------------------------------------------------------------


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_caseload_list_query_count_does_not_grow(client_for, pat, harbor):
    client = client_for(pat)
    for _ in range(3):
        AssignmentFactory(participant=ParticipantFactory(organization=harbor), peer=pat)
    small = _count_queries(client, reverse("participants:list"))
    for _ in range(30):
        AssignmentFactory(participant=ParticipantFactory(organization=harbor), peer=pat)
    assert _count_queries(client, reverse("participants:list")) == small


def test_record_and_timeline_query_counts_do_not_grow_with_history(client_for, pat, jordan):
    client = client_for(pat)

    def add(n):
        for i in range(n):
            Encounter.objects.create(
                organization=jordan.organization,
                participant=jordan,
                peer=pat,
                occurred_at=timezone.now() - timedelta(hours=i + 1),
                duration_minutes=20,
                modality="phone",
                setting="community",
                kind="check_in",
                created_by=pat,
            )

    add(3)
    small = (
        _count_queries(client, detail(jordan)),
        _count_queries(client, reverse("participants:timeline", args=[jordan.pk])),
    )
    add(60)
    large = (
        _count_queries(client, detail(jordan)),
        _count_queries(client, reverse("participants:timeline", args=[jordan.pk])),
    )
    assert large == small


def test_timeline_pages_through_older_entries(client_for, pat, jordan):
    for i in range(30):
        Encounter.objects.create(
            organization=jordan.organization,
            participant=jordan,
            peer=pat,
            occurred_at=timezone.now() - timedelta(days=i + 1),
            duration_minutes=20,
            modality="phone",
            setting="community",
            kind="check_in",
            created_by=pat,
        )
    client = client_for(pat)
    first = client.get(reverse("participants:timeline", args=[jordan.pk]))
    page = first.context["timeline"]
    assert len(page.entries) == 25 and page.next_before is not None
    second = client.get(
        reverse("participants:timeline", args=[jordan.pk]),
        {"before": page.next_before.isoformat()},
        HTTP_HX_REQUEST="true",
    )
    older = second.context["timeline"].entries
    assert older and all(e.at < page.next_before for e in older)
    seen = {e.obj.pk for e in page.entries} | {e.obj.pk for e in older}
    assert len(seen) == 31  # 30 encounters and the assignment
