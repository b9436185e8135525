"""What every signed-in page pays, and the shapes of the busiest pages' queries (issue 7).

Counts that stay flat as data grows are asserted beside each page's own tests; these catch work a
page repeats (the same row loaded twice) or queries that read more than the page shows.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def _from(table, queries):
    """The queries that read `table` as their main table."""
    first_from = re.compile(r'^SELECT .*? FROM "(\w+)"', re.S)
    return [sql for sql in queries if (m := first_from.match(sql)) and m.group(1) == table]


def test_a_page_loads_the_signed_in_person_once(client_for, pat, jordan):
    """The membership's user is the person signed in: recording the read of a participant's
    record (its actor) does not load them again."""
    queries = _queries(client_for(pat), reverse("participants:detail", args=[jordan.pk]))
    assert len(_from("accounts_user", queries)) == 1


def _plan(sql_and_params) -> str:
    sql, params = sql_and_params
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " ".join(str(row) for row in cursor.fetchall())


def test_a_peers_records_are_checked_against_their_caseload_not_the_organization(
    pat, jordan, casey
):
    """A peer's consents (referrals, ...) are filtered through participants_visible_to. Beside
    `organization_id = ...` SQLite listed every participant of the organization through its
    index for each such query (1.3 ms at 3,000 participants, growing with the organization);
    the organization is now checked on the peer's assigned participants."""
    from beacon.consents.permissions import consents_visible_to
    from beacon.organizations.models import Membership

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL plans from statistics")
    member = Membership.objects.select_related("organization").get(user=pat)
    query = consents_visible_to(member).filter(participant=jordan).query
    plan = _plan(query.sql_with_params())
    assert "assignment_peer_current" in plan
    assert "INDEX participant_org" not in plan


def test_whether_a_peer_may_edit_uses_the_assignments_loaded_with_the_participant(
    pat, quinn, jordan, django_assert_num_queries
):
    from beacon.organizations.models import Membership
    from beacon.participants.permissions import can_edit_participant
    from beacon.participants.selectors import participant_get_for_member

    member = Membership.objects.select_related("organization").get(user=pat)
    participant = participant_get_for_member(member=member, pk=jordan.pk)
    quinn_member = Membership.objects.select_related("organization").get(user=quinn)
    with django_assert_num_queries(0):
        assert can_edit_participant(member, participant)
        assert not can_edit_participant(quinn_member, participant)


def test_the_participant_list_reads_the_columns_it_shows(client_for, pat, jordan, quinn):
    """Fifty rows of every participant column and each assigned peer's whole account (password
    hash included) were read and converted for four columns of names and dates."""
    from beacon.participants.tests.factories import AssignmentFactory

    AssignmentFactory(participant=jordan, peer=quinn, role="secondary")
    client = client_for(pat)
    response = client.get(reverse("participants:list"))
    assert "Quinn Peer (secondary)" in response.content.decode()
    queries = _queries(client, reverse("participants:list"))
    (page,) = _from("participants_participant", queries)
    assert '"participants_participant"."phone"' not in page
    # Only the signed-in person's own row is read whole (by the session).
    assert sum('"accounts_user"."password"' in sql for sql in queries) == 1


def test_logging_an_encounter_does_not_look_up_what_it_was_given(pat, jordan):
    """full_clean() checked that the organization, participant and peer (just loaded through
    the access check) exist and that the new id is unused: five queries of every encounter."""
    from beacon.encounters.tests.factories import log

    log(pat, jordan)  # warm: the first write of a test may set up more
    with CaptureQueriesContext(connection) as captured:
        log(pat, jordan)
    checked = {
        re.search(r'AS "a" FROM "(\w+)"', q["sql"]).group(1)
        for q in captured.captured_queries
        if ' AS "a" FROM ' in q["sql"]
    }
    # (whether the peer is on the participant's caseload is the access check itself)
    assert checked <= {"participants_caseloadassignment"}


def test_the_participant_page_reads_each_thing_once(client_for, pat, jordan):
    """Its consents were read twice (the table and the recent history), its two plans one query
    each after the participant."""
    from beacon.consents.tests.factories import ConsentFactory
    from beacon.plans.tests.factories import make_plan

    ConsentFactory(participant=jordan, recipients=["Mercy Clinic"])
    make_plan(pat, jordan)
    client = client_for(pat)
    html = client.get(reverse("participants:detail", args=[jordan.pk])).content.decode()
    assert "Open the recovery plan" in html
    assert html.count("Mercy Clinic") == 2  # in the consents table and the recent history
    queries = _queries(client, reverse("participants:detail", args=[jordan.pk]))
    assert len(_from("consents_consent", queries)) == 1
    assert _from("plans_recoveryplan", queries) == []
    assert _from("plans_wellnessplan", queries) == []
    # Nor the organization (the member's own) or the person who enrolled them: not shown.
    (record,) = _from("participants_participant", queries)
    assert "organizations_organization" not in record
    assert "accounts_user" not in record


def test_the_timeline_page_does_not_load_what_it_does_not_show(client_for, pat, jordan):
    queries = _queries(client_for(pat), reverse("participants:timeline", args=[jordan.pk]))
    assert not any("participants_participant_priority_populations" in sql for sql in queries)
    # Its caseload changes (joined and left, one query), not the current peers as well.
    assert len(_from("participants_caseloadassignment", queries)) == 1


@pytest.fixture
def consents_everywhere(jordan, casey, morgan):
    from beacon.consents.tests.factories import ConsentFactory

    return [ConsentFactory(participant=p) for p in (jordan, casey, morgan)]


@pytest.mark.parametrize("open_team", [False, True])
def test_records_are_visible_exactly_when_their_participant_is(
    ada, sam, pat, quinn, riley, olive, jordan, casey, harbor, consents_everywhere, open_team
):
    from beacon.consents.models import Consent
    from beacon.consents.permissions import consents_visible_to
    from beacon.organizations.models import Membership
    from beacon.participants.permissions import participants_visible_to
    from beacon.participants.tests.factories import ParticipantFactory

    harbor.participants_open_to_team = open_team
    harbor.save()
    # A merged record stays out, as participants_visible_to leaves it out.
    merged = ParticipantFactory(organization=harbor, merged_into=jordan)
    from beacon.consents.tests.factories import ConsentFactory

    ConsentFactory(participant=merged)
    for user in (ada, sam, pat, quinn, riley, olive):
        member = Membership.objects.select_related("organization").get(user=user)
        expected = set(
            Consent.objects.filter(
                organization_id=member.organization_id,
                participant__in=list(participants_visible_to(member)),
            )
        )
        assert set(consents_visible_to(member)) == expected, user


def test_a_supervisors_records_of_one_participant_do_not_list_the_organization(sam, jordan):
    """`participant IN (the organization's participants)` listed all of them (2,500 at the
    largest organization of the state-scale data) for each consent or referral query of a
    supervisor's or admin's participant page: 3 ms each, growing with the organization."""
    from beacon.consents.permissions import consents_visible_to
    from beacon.organizations.models import Membership
    from beacon.referrals.permissions import disclosures_visible_to, referrals_sent_visible_to

    member = Membership.objects.select_related("organization").get(user=sam)
    for visible in (consents_visible_to, referrals_sent_visible_to, disclosures_visible_to):
        sql = str(visible(member).filter(participant=jordan).query).upper()
        assert "IN (SELECT" not in sql, visible.__name__
