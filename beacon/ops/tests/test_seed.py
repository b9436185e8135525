"""`beacon seed`: synthetic data in bulk that reads like real data, chain and all."""

from collections import defaultdict

import pytest
from django.apps import apps
from django.db.models import F, Max
from django.urls import reverse

from beacon.accounts.models import User
from beacon.audit.chain import verify_chain
from beacon.audit.models import AuditEvent
from beacon.consents.models import Consent
from beacon.directory.models import Service
from beacon.encounters.models import CONTACT_KINDS, Encounter
from beacon.groups.models import Attendance, GroupSession
from beacon.ops.cli import main
from beacon.ops.people import NICKNAMES
from beacon.ops.seed import (
    SCALES,
    Seeder,
    SeedRefused,
    _Quiet,
    seed_create,
    seed_refusal,
)
from beacon.organizations.models import Membership, Organization, Role
from beacon.participants.models import CaseloadAssignment, Participant
from beacon.plans.models import RecoveryPlan
from beacon.referrals.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    return seed_create(scale="tiny", seed=3)


def test_tiny_scale_has_the_counts_it_promises(seeded):
    tiny = SCALES["tiny"]
    assert Organization.objects.count() == tiny.organizations
    assert Membership.objects.filter(role=Role.PEER).count() == tiny.peers
    assert Participant.objects.count() == tiny.participants
    assert Encounter.objects.count() == tiny.encounters
    assert Service.objects.count() == tiny.services
    assert seeded["encounter"] == tiny.encounters
    assert seeded["audit_event"] == AuditEvent.objects.count()
    # Everyone can sign in with the published seed password.
    assert User.objects.get(email="peer1@org1.seed.beacon.test").check_password("beacon-seed")


def test_people_go_by_whole_names(seeded):
    """Issue 15: "Fat Johnson", "Aal Jackson": the preferred name was the given name's first
    three letters. It is blank (the given name) or the given name's usual short form."""
    names = list(Participant.objects.values_list("given_name", "preferred_name"))
    assert names
    cut = [(given, pref) for given, pref in names if pref and pref != NICKNAMES.get(given)]
    assert not cut
    assert any(pref for _, pref in names)  # some do go by another name


def test_the_audit_chain_verifies_after_the_bulk_seed(seeded):
    report = verify_chain()
    assert report.ok, report.reason
    assert report.checked == AuditEvent.objects.count()
    # One event per encounter logged, as the service would have written.
    assert AuditEvent.objects.filter(action="encounter.logged").count() == Encounter.objects.count()


def test_audit_events_name_the_records_they_describe(seeded):
    """The seed names an event's record from the row itself, as record_event() does: every
    target is a seeded row of the model the event says."""
    targets = defaultdict(set)
    events = AuditEvent.objects.exclude(object_type="").values_list("object_type", "object_id")
    for object_type, object_id in events:
        targets[object_type].add(object_id)
    assert set(targets) == {
        "accounts.user",
        "organizations.organization",
        "participants.participant",
        "consents.consent",
        "plans.recoveryplan",
        "plans.goal",
        "assessments.assessment",
        "encounters.encounter",
        "referrals.referral",
        "referrals.disclosure",
        "groups.group",
        "groups.groupsession",
    }
    for label, ids in targets.items():
        rows = apps.get_model(label).objects.filter(pk__in=ids).values_list("pk", flat=True)
        assert {str(pk) for pk in rows} == ids, label
    # An event about a row carries that row's organization.
    for consent in Consent.objects.all():
        event = AuditEvent.objects.get(action="consent.recorded", object_id=str(consent.pk))
        assert event.organization_id == consent.organization_id
        assert event.actor_id == consent.recorded_by_id


def test_rows_of_a_table_the_seed_does_not_know_are_refused_not_dropped():
    seeder = Seeder(SCALES["tiny"], seed=1, progress=_Quiet())
    seeder.add({"action": "auth.login"}, AuditEvent)
    with pytest.raises(LookupError, match="AuditEvent"):
        seeder.flush()
    assert not AuditEvent.objects.exists()


def test_seeded_encounters_have_their_minute_of_the_week(seeded):
    """A generated column: the bulk insert leaves it to the database, which fills it."""
    from beacon.encounters.weekminutes import utc_minute_of_week

    rows = Encounter.objects.values_list("occurred_at", "week_minute_utc")
    assert rows and all(minute == utc_minute_of_week(at) for at, minute in rows)


def test_records_hang_together_like_the_services_keep_them(seeded):
    # Record numbers are unique per organization and start where the service starts.
    for org in Organization.objects.all():
        numbers = list(
            Participant.objects.filter(organization=org).values_list("record_number", flat=True)
        )
        assert len(numbers) == len(set(numbers))
        assert min(numbers) == 1001
    # Every participant still in the program has one current primary peer of their organization.
    for participant in Participant.objects.filter(discharged_on__isnull=True):
        current = CaseloadAssignment.objects.filter(participant=participant, ended_at__isnull=True)
        assert current.count() == 1
        assert Membership.objects.filter(
            user=current.get().peer, organization=participant.organization_id
        ).exists()
    assert not CaseloadAssignment.objects.filter(
        participant__discharged_on__isnull=False, ended_at__isnull=True
    ).exists()
    # Encounters stay inside the participant's organization; My day's two facts are current.
    assert not Encounter.objects.exclude(organization=F("participant__organization")).exists()
    last_contacts = dict(
        Encounter.objects.filter(kind__in=CONTACT_KINDS)
        .values_list("participant")
        .annotate(last=Max("occurred_at"))
    )
    for participant in Participant.objects.all():
        assert participant.last_contact_at == last_contacts.get(participant.pk)
        newest = participant.encounters.order_by("-occurred_at").first()
        assert participant.next_follow_up_on == (newest.follow_up_on if newest else None)
    # Crisis flags are rare; plans, referrals between organizations exist.
    crisis = Encounter.objects.filter(crisis_flag=True).count()
    assert crisis < Encounter.objects.count() * 0.05
    assert RecoveryPlan.objects.exists()
    assert Referral.objects.filter(receiving_organization__isnull=False).exists()
    # Groups meet weekly; attendance names only participants of the group's organization.
    assert GroupSession.objects.filter(attendance_recorded_at__isnull=False).exists()
    assert Attendance.objects.filter(participant__isnull=False).exists()
    assert (
        not Attendance.objects.exclude(participant__isnull=True)
        .exclude(participant__organization=F("session__organization"))
        .exists()
    )
    assert not Referral.objects.filter(receiving_organization=F("organization")).exists()


def test_the_seed_numbers_counts_and_consents_by_the_services_rules(seeded):
    """Record numbers, billable units and consents' defaults come from the services' own
    functions (issue 16), so a record the seed made reads like one the service made."""
    from beacon.consents.services import default_revocation_instructions, default_tpo_recipient
    from beacon.encounters.services import billable_units
    from beacon.groups.services import GROUP_UNITS_KIND
    from beacon.participants.services import FIRST_RECORD_NUMBER, next_record_numbers

    for org in Organization.objects.all():
        numbers = sorted(
            Participant.objects.filter(organization=org).values_list("record_number", flat=True)
        )
        assert numbers == list(range(FIRST_RECORD_NUMBER, FIRST_RECORD_NUMBER + len(numbers)))
        # The next person enrolled gets the next number, by the same rule.
        assert list(next_record_numbers(org)) == [numbers[-1] + 1]
    encounters = Encounter.objects.select_related("organization")
    assert encounters.exists() and all(
        e.billable_units
        == billable_units(organization=e.organization, minutes=e.duration_minutes, kind=e.kind)
        for e in encounters
    )
    sessions = GroupSession.objects.filter(attendance_recorded_at__isnull=False)
    assert sessions.exists() and all(
        s.billable_units
        == billable_units(
            organization=s.organization, minutes=s.duration_minutes, kind=GROUP_UNITS_KIND
        )
        for s in sessions.select_related("organization")
    )
    for consent in Consent.objects.select_related("organization").prefetch_related("recipients"):
        org = consent.organization
        assert consent.discloser == org.name
        assert consent.revocation_instructions == default_revocation_instructions(org)
        names = [r.name for r in consent.recipients.all()]
        assert names == ([default_tpo_recipient(org)["name"]] if consent.kind == "tpo" else names)
        assert names


def test_same_seed_same_people():
    seed_create(scale="tiny", seed=5)
    first = list(Participant.objects.order_by("record_number").values_list("pk", "given_name"))
    assert first  # and the ids come from the seed, not from uuid4
    assert len({pk for pk, _ in first}) == len(first)


def test_pages_work_on_seeded_data(seeded, client_for):
    peer = User.objects.get(email="peer1@org1.seed.beacon.test")
    supervisor = User.objects.get(email="supervisor1@org1.seed.beacon.test")
    admin = User.objects.get(email="orgadmin1@org1.seed.beacon.test")
    participant = Participant.objects.filter(
        assignments__peer=peer, assignments__ended_at__isnull=True
    ).first()
    assert participant is not None
    peer_client = client_for(peer)
    urls = [
        reverse("myday:my_day"),
        reverse("participants:list"),
        reverse("participants:detail", args=[participant.pk]),
        reverse("participants:timeline", args=[participant.pk]),
        reverse("encounters:new") + f"?participant={participant.pk}",
        reverse("findhelp:search") + "?q=recovery",
        reverse("groups:list"),
    ]
    plan = RecoveryPlan.objects.filter(participant=participant).first()
    if plan:
        urls.append(reverse("plans:detail", args=[plan.pk]))
    for url in urls:
        assert peer_client.get(url).status_code == 200, url
    supervisor_client = client_for(supervisor)
    assert supervisor_client.get(reverse("myday:my_day")).status_code == 200
    assert supervisor_client.get(reverse("supervision:workload")).status_code == 200
    session = GroupSession.objects.filter(
        attendance_recorded_at__isnull=False, organization__memberships__user=supervisor
    ).first()
    assert supervisor_client.get(reverse("groups:session", args=[session.pk])).status_code == 200
    admin_client = client_for(admin)
    assert admin_client.get(reverse("audit:list")).status_code == 200
    assert admin_client.get(reverse("referrals:inbox")).status_code == 200


def test_refuses_a_database_that_holds_organizations(harbor):
    assert "already holds organizations" in seed_refusal()
    with pytest.raises(SeedRefused):
        seed_create(scale="tiny")
    assert not Participant.objects.exists()
    assert Organization.objects.get() == harbor


def test_refuses_production():
    assert "production" in seed_refusal(environment="production")


def test_command_refuses_production_before_touching_the_database(monkeypatch, capsys):
    monkeypatch.setenv("BEACON_ENV", "production")
    assert main(["seed", "--scale", "tiny"]) == 2
    assert "never runs in production" in capsys.readouterr().err
    assert not Organization.objects.exists()


def test_command_names_accounts_that_exist(capsys):
    assert main(["seed", "--scale", "tiny"]) == 0
    out = capsys.readouterr().out
    sign_in = next(line for line in out.splitlines() if line.startswith("Sign in as"))
    named = [n.split(" ")[0] for n in sign_in.removeprefix("Sign in as ").split(", ")]
    # the first in full, the others by the same pattern ("supervisor1@org1...")
    emails = [named[0]] + [n.replace("...", "." + named[0].split(".", 1)[1]) for n in named[1:]]
    assert emails[0] == "orgadmin1@org1.seed.beacon.test"
    for email in emails:
        assert User.objects.filter(email=email).exists(), email


def test_settling_in_a_transaction_only_analyzes():
    from django.db import connection

    from beacon.ops.seed import settle_after_bulk_load

    expected = "ANALYZE" if connection.vendor == "postgresql" else ""
    assert settle_after_bulk_load() == expected


@pytest.mark.django_db(transaction=True)
def test_settling_after_the_bulk_load_vacuums_postgresql():
    """Without VACUUM a freshly loaded table has no visibility map, and its covering indexes
    are read together with every table row they point to."""
    from django.db import connection

    from beacon.ops.seed import settle_after_bulk_load

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no visibility map")
    assert settle_after_bulk_load() == "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname = 'django_migrations'"
        )
        assert cursor.fetchone() == (True,)
