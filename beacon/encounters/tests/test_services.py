"""encounter_log and encounter_correct: units, validation, audit, follow-ups, crisis, history."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.core.concurrency import StaleVersion
from beacon.core.tests.worker import run_worker
from beacon.encounters.models import Encounter, EncounterRevision
from beacon.encounters.services import encounter_correct
from beacon.encounters.tests.factories import log
from beacon.notifications.models import Notification
from beacon.organizations.models import BillingUnitsRule, Role
from beacon.organizations.tests.factories import MembershipFactory, OrganizationFactory
from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory
from conftest import member_of

MINUTES = [0, 7, 8, 14, 15, 22, 23, 30]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (BillingUnitsRule.MIDPOINT, [0, 0, 1, 1, 1, 1, 2, 2]),
        (BillingUnitsRule.WHOLE, [0, 0, 0, 0, 1, 1, 1, 2]),
    ],
)
def test_billable_units_follow_the_organizations_rule(harbor, pat, jordan, rule, expected):
    harbor.billing_units_rule = rule
    harbor.save()
    units = [log(pat, jordan, duration_minutes=m).billable_units for m in MINUTES]
    assert units == expected


def test_an_attempted_contact_bills_nothing(pat, jordan):
    encounter = log(pat, jordan, kind="attempted", duration_minutes=30)
    assert encounter.billable_units == 0


def test_logging_is_audited_without_the_note(pat, jordan):
    encounter = log(
        pat, jordan, note="Talked about her sister.", duration_minutes=23, crisis_flag=False
    )
    event = AuditEvent.objects.get(action="encounter.logged", object_id=str(encounter.pk))
    assert event.actor_id == pat.pk
    assert event.details == {
        "participant": str(jordan.pk),
        "kind": "one_on_one",
        "minutes": 23,
        "units": 2,
        "crisis_flag": False,
    }
    assert "sister" not in str(event.details)


def test_the_occurred_at_defaults_to_now(pat, jordan):
    before = timezone.now()
    encounter = log(pat, jordan)
    assert before <= encounter.occurred_at <= timezone.now()
    assert encounter.peer == pat and encounter.created_by == pat


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"occurred_at_offset": timedelta(hours=1)}, "occurred_at"),
        ({"duration_minutes": 1441}, "duration_minutes"),
        ({"duration_minutes": -1}, "duration_minutes"),
        ({"topics": ["housing", "astrology"]}, "topics"),
        ({"modality": "carrier_pigeon"}, "modality"),
        ({"follow_up_on_offset": timedelta(days=-2)}, "follow_up_on"),
    ],
)
def test_bad_values_are_refused_with_plain_words(pat, jordan, values, field):
    values = dict(values)
    if "occurred_at_offset" in values:
        values["occurred_at"] = timezone.now() + values.pop("occurred_at_offset")
    if "follow_up_on_offset" in values:
        values["follow_up_on"] = timezone.localdate() + values.pop("follow_up_on_offset")
    with pytest.raises(ValidationError) as caught:
        log(pat, jordan, **values)
    assert field in caught.value.message_dict
    assert Encounter.objects.count() == 0


def test_a_phone_a_few_minutes_ahead_is_fine(pat, jordan):
    encounter = log(pat, jordan, occurred_at=timezone.now() + timedelta(minutes=2))
    assert encounter.pk


def test_follow_up_the_same_day_is_fine(pat, jordan):
    assert log(pat, jordan, follow_up_on=timezone.localdate()).follow_up_on


def test_only_people_who_may_log_can(harbor, quinn, riley, casey, jordan):
    # Issue 14: the refusal says what was refused (the API's 403 shows it), and writes nothing.
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied, match="can log encounters with them"):
        log(quinn, jordan)  # not on Quinn's caseload
    with pytest.raises(PermissionDenied, match="can log encounters with them"):
        log(riley, jordan)
    assert (Encounter.objects.count(), AuditEvent.objects.count()) == (0, events)
    harbor.participants_open_to_team = True
    harbor.save()
    assert log(quinn, jordan).pk


def test_supervisors_and_admins_may_log_for_anyone(sam, ada, jordan, casey):
    assert log(sam, jordan).pk and log(ada, casey).pk


# --- Last contact and next follow-up -----------------------------------------------------------


def test_contact_and_follow_up_are_kept_current(pat, jordan):
    when = timezone.now() - timedelta(hours=2)
    follow_up = timezone.localdate() + timedelta(days=7)
    log(pat, jordan, occurred_at=when, follow_up_on=follow_up)
    jordan.refresh_from_db()
    assert jordan.last_contact_at == when
    assert jordan.next_follow_up_on == follow_up


def test_an_attempt_is_not_contact_but_sets_the_next_follow_up(pat, jordan):
    contact = timezone.now() - timedelta(days=3)
    log(pat, jordan, occurred_at=contact)
    tomorrow = timezone.localdate() + timedelta(days=1)
    log(pat, jordan, kind="attempted", duration_minutes=0, follow_up_on=tomorrow)
    jordan.refresh_from_db()
    assert jordan.last_contact_at == contact
    assert jordan.next_follow_up_on == tomorrow


def test_a_late_logged_older_encounter_changes_neither(pat, jordan):
    recent = timezone.now() - timedelta(hours=1)
    follow_up = timezone.localdate() + timedelta(days=3)
    log(pat, jordan, occurred_at=recent, follow_up_on=follow_up)
    log(
        pat,
        jordan,
        occurred_at=recent - timedelta(days=5),
        follow_up_on=timezone.localdate() - timedelta(days=4),
    )
    jordan.refresh_from_db()
    assert jordan.last_contact_at == recent
    assert jordan.next_follow_up_on == follow_up


# --- Crisis flag -------------------------------------------------------------------------------


def test_a_crisis_flag_tells_the_supervisors(
    django_capture_on_commit_callbacks, harbor, sam, pat, quinn, olive, ada, jordan
):
    with django_capture_on_commit_callbacks(execute=True):
        encounter = log(
            pat,
            jordan,
            crisis_flag=True,
            kind="crisis_support",
            note="Jordan spoke about overdosing on fentanyl.",
        )
    notified = Notification.objects.filter(encounter=encounter)
    assert [n.recipient for n in notified] == [sam]
    notification = notified.get()
    assert notification.kind == "crisis_flag"
    # It opens the flag's follow-through (beacon/crisis).
    assert notification.url == f"/crisis/{encounter.crisis.pk}/"
    assert notification.participant == jordan
    assert notification.read_at is None
    assert "Jordan" not in notification.title
    assert not Notification.objects.filter(recipient__in=[pat, quinn, olive, ada]).exists()

    assert mail.outbox == []  # queued: `beacon worker` sends it
    run_worker()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [sam.email]
    text = f"{email.subject}\n{email.body}"
    for health_information in ("Jordan", "Rivers", "fentanyl", "overdos", "crisis support"):
        assert health_information.lower() not in text.lower()
    assert "Harbor Recovery Community" in email.body
    assert f"/crisis/{encounter.crisis.pk}/" in email.body


def test_no_email_before_the_encounter_is_committed(
    django_capture_on_commit_callbacks, sam, pat, jordan
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        log(pat, jordan, crisis_flag=True)
    assert mail.outbox == []
    # The email to Sam, and the flag's escalation check (beacon/crisis), both after commit.
    assert len(callbacks) == 2


def test_without_supervisors_the_organization_admins_are_told(
    django_capture_on_commit_callbacks, pat
):
    org = OrganizationFactory()
    admin = MembershipFactory(organization=org, role=Role.ORG_ADMIN).user
    inactive_supervisor = MembershipFactory(
        organization=org, role=Role.SUPERVISOR, is_active=False
    ).user
    peer = MembershipFactory(organization=org, role=Role.PEER).user
    participant = ParticipantFactory(organization=org, created_by=peer)
    AssignmentFactory(participant=participant, peer=peer)
    with django_capture_on_commit_callbacks(execute=True):
        log(peer, participant, crisis_flag=True)
    assert [n.recipient for n in Notification.objects.all()] == [admin]
    assert inactive_supervisor not in [n.recipient for n in Notification.objects.all()]
    run_worker()
    assert [m.to for m in mail.outbox] == [[admin.email]]


def test_a_supervisor_who_flags_is_not_told_about_their_own_flag(sam, jordan):
    log(sam, jordan, crisis_flag=True)
    assert not Notification.objects.filter(recipient=sam).exists()


def test_no_crisis_no_notification(sam, pat, jordan):
    log(pat, jordan)
    assert not Notification.objects.exists()


# --- Corrections -------------------------------------------------------------------------------


def test_a_correction_keeps_what_it_said_before(harbor, pat, jordan):
    encounter = log(pat, jordan, note="Talked about an addict friend.", duration_minutes=15)
    corrected = encounter_correct(
        member=member_of(pat),
        encounter=encounter,
        expected_version=1,
        reason="Person-first wording; it was longer.",
        note="Talked about a friend who uses drugs.",
        duration_minutes=45,
    )
    assert corrected.version == 2
    assert corrected.note == "Talked about a friend who uses drugs."
    assert corrected.billable_units == 3
    revision = EncounterRevision.objects.get(encounter=encounter)
    assert revision.version == 1
    assert revision.edited_by == pat
    assert revision.reason == "Person-first wording; it was longer."
    assert revision.previous["note"] == "Talked about an addict friend."
    assert revision.previous["duration_minutes"] == 15
    assert revision.previous["billable_units"] == 1
    assert set(revision.previous) >= {
        "occurred_at",
        "duration_minutes",
        "modality",
        "setting",
        "kind",
        "topics",
        "note",
        "naloxone_provided",
        "crisis_flag",
        "follow_up_on",
    }
    event = AuditEvent.objects.get(action="encounter.corrected")
    assert event.details["fields"] == ["duration_minutes", "note"]
    assert event.details["units"] == {"old": 1, "new": 3}
    assert "friend" not in str(event.details)
    assert "Person-first" not in str(event.details)


def test_corrections_stack_up_and_nothing_is_deleted(pat, sam, jordan):
    encounter = log(pat, jordan, note="first")
    encounter = encounter_correct(
        member=member_of(pat), encounter=encounter, expected_version=1, note="second"
    )
    encounter = encounter_correct(
        member=member_of(sam), encounter=encounter, expected_version=2, note="third"
    )
    assert Encounter.objects.count() == 1
    previous = list(
        EncounterRevision.objects.filter(encounter=encounter)
        .order_by("version")
        .values_list("previous__note", "edited_by")
    )
    assert previous == [("first", pat.pk), ("second", sam.pk)]


def test_a_stale_version_changes_nothing(pat, sam, jordan):
    encounter = log(pat, jordan, note="first")
    stale = Encounter.objects.get(pk=encounter.pk)
    encounter_correct(member=member_of(sam), encounter=encounter, expected_version=1, note="sam")
    with pytest.raises(StaleVersion) as caught:
        encounter_correct(member=member_of(pat), encounter=stale, expected_version=1, note="pat")
    assert caught.value.current.note == "sam"
    assert caught.value.current.version == 2
    assert Encounter.objects.get().note == "sam"
    assert EncounterRevision.objects.count() == 1


def test_nothing_changed_means_no_revision(pat, jordan):
    encounter = log(pat, jordan, note="same")
    again = encounter_correct(
        member=member_of(pat), encounter=encounter, expected_version=1, note="same"
    )
    assert again.version == 1
    assert not EncounterRevision.objects.exists()


def test_only_the_author_or_a_supervisor_corrects(harbor, pat, quinn, sam, ada, jordan):
    harbor.participants_open_to_team = True
    harbor.save()
    encounter = log(pat, jordan)
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied, match="Only the peer who logged this encounter"):
        encounter_correct(
            member=member_of(quinn), encounter=encounter, expected_version=1, note="x"
        )
    encounter.refresh_from_db()
    assert (encounter.version, encounter.note, AuditEvent.objects.count()) == (1, "", events)
    assert not EncounterRevision.objects.exists()
    encounter_correct(member=member_of(ada), encounter=encounter, expected_version=1, note="y")


def test_correcting_the_follow_up_keeps_the_participant_current(pat, jordan):
    encounter = log(pat, jordan, follow_up_on=timezone.localdate() + timedelta(days=1))
    week = timezone.localdate() + timedelta(days=7)
    encounter_correct(
        member=member_of(pat), encounter=encounter, expected_version=1, follow_up_on=week
    )
    jordan.refresh_from_db()
    assert jordan.next_follow_up_on == week


def test_raising_a_crisis_flag_in_a_correction_tells_the_supervisors(sam, pat, jordan):
    encounter = log(pat, jordan)
    encounter_correct(
        member=member_of(pat), encounter=encounter, expected_version=1, crisis_flag=True
    )
    assert Notification.objects.filter(recipient=sam, encounter=encounter).count() == 1
