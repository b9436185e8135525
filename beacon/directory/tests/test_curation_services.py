"""Curation writes: edit (versioned), verify, merge; each audited and announced."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.core.concurrency import StaleVersion
from beacon.directory import changes, curation, selectors
from beacon.directory.models import Phone, Schedule, Service
from beacon.findhelp import services as findhelp_services
from beacon.findhelp.models import ServiceProblemReport
from beacon.findhelp.tests.factories import service


def referral_to(svc, participant, peer):
    from beacon.referrals.models import Referral

    return Referral.objects.create(
        organization=participant.organization,
        participant=participant,
        made_by=peer,
        to_service=svc,
        recipient_name=svc.name,
        reason="Housing",
    )


@pytest.fixture
def heard():
    """Every services_changed() call, as the listeners would hear it."""
    calls: list = []
    changes._listeners.append(calls.append)
    yield calls
    changes._listeners.remove(calls.append)


@pytest.fixture
def admin(ada):
    return ada.memberships.get()


@pytest.fixture
def entry(harbor):
    return service("Harbor Drop-in", curator=harbor, phone="508-555-0100")


def test_update_saves_fields_and_rows_audits_and_announces(admin, entry, heard):
    values = selectors.service_edit_values(service=entry)
    updated = curation.service_update(
        member=admin,
        service=entry,
        expected_version=1,
        changes={"description": "Peer coaching", "accepts_medicaid": True},
        phones=[{"number": "508-555-0199", "extension": 12, "description": "Front desk"}],
        addresses=[{**values["addresses"][0], "address_1": "9 Elm Street"}],
        schedules=[
            {"byday": ["MO", "TU"], "opens_at": time(9), "closes_at": time(17), "description": ""}
        ],
    )
    assert updated.version == 2
    entry.refresh_from_db()
    assert entry.description == "Peer coaching" and entry.accepts_medicaid is True
    assert [(p.number, p.extension) for p in Phone.objects.filter(service=entry)] == [
        ("508-555-0199", 12)
    ]
    (schedule,) = Schedule.objects.filter(service=entry)
    assert schedule.byday == "MO,TU" and schedule.freq == "WEEKLY"
    assert selectors.service_edit_values(service=entry)["addresses"][0]["address_1"] == (
        "9 Elm Street"
    )
    event = AuditEvent.objects.get(action="directory.service_updated")
    assert event.actor_id == admin.user_id
    assert event.details["changes"]["description"] == {"from": "", "to": "Peer coaching"}
    assert set(event.details["changed"]) == {
        "description",
        "accepts_medicaid",
        "phones",
        "hours",
        "addresses",
    }
    assert heard == [[entry.pk]]


def test_nothing_changed_writes_nothing(admin, entry, heard):
    curation.service_update(
        member=admin, service=entry, expected_version=1, changes={"name": entry.name}
    )
    entry.refresh_from_db()
    assert entry.version == 1
    assert not AuditEvent.objects.filter(action="directory.service_updated").exists()
    assert heard == []


def test_a_stale_edit_is_refused_and_writes_nothing(admin, entry):
    curation.service_update(
        member=admin, service=entry, expected_version=1, changes={"description": "First"}
    )
    with pytest.raises(StaleVersion) as exc:
        curation.service_update(
            member=admin, service=entry, expected_version=1, changes={"description": "Second"}
        )
    assert exc.value.current.version == 2
    entry.refresh_from_db()
    assert entry.description == "First"


def test_capacity_change_is_dated_today(admin, entry):
    curation.service_update(
        member=admin, service=entry, expected_version=1, changes={"capacity_status": "waitlist"}
    )
    entry.refresh_from_db()
    assert entry.capacity_updated_on == timezone.localdate()


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"changes": {"name": "  "}}, "name"),
        ({"changes": {"url": "not a url"}}, "url"),
        ({"changes": {"status": "open-ish"}}, "status"),
        ({"changes": {"populations_served": ["martians"]}}, "populations_served"),
        ({"phones": [{"number": "12", "extension": None, "description": ""}]}, "phones.0.number"),
        (
            {
                "schedules": [
                    {"byday": [], "opens_at": time(9), "closes_at": time(17), "description": ""}
                ]
            },
            "schedules.0.byday",
        ),
        (
            {
                "schedules": [
                    {"byday": ["MO"], "opens_at": time(9), "closes_at": None, "description": ""}
                ]
            },
            "schedules.0.closes_at",
        ),
    ],
)
def test_bad_values_are_refused_field_by_field(admin, entry, kwargs, key):
    with pytest.raises(ValidationError) as exc:
        curation.service_update(member=admin, service=entry, expected_version=1, **kwargs)
    assert key in exc.value.message_dict
    entry.refresh_from_db()
    assert entry.version == 1


def test_an_address_change_announces_every_service_at_that_place(admin, entry, heard):
    from beacon.directory.models import ServiceAtLocation

    neighbour = service("Food pantry", at=None, curator=None)
    location = entry.service_at_locations.get().location
    ServiceAtLocation.objects.create(hsds_id="sal-n", service=neighbour, location=location)
    values = selectors.service_edit_values(service=entry)
    heard.clear()  # the set-up's own announcements
    curation.service_update(
        member=admin,
        service=entry,
        expected_version=1,
        addresses=[{**values["addresses"][0], "city": "Auburn"}],
    )
    assert set(heard[0]) == {entry.pk, neighbour.pk}


def test_the_first_write_to_an_unclaimed_entry_claims_it(admin, harbor, heard):
    loose = service("Loose entry", curator=None)
    heard.clear()  # the set-up's own announcements
    curation.service_verify(member=admin, service=loose, note="Called them")
    loose.refresh_from_db()
    assert loose.curator == harbor
    assert loose.last_verified_on == timezone.localdate() and loose.verified_by == admin.user
    event = AuditEvent.objects.get(action="directory.service_verified")
    assert event.details["note"] == "Called them" and event.details["claimed"] is True
    assert heard == [[loose.pk]]


def test_verifying_keeps_the_version_so_an_open_edit_is_not_stale(admin, entry):
    curation.service_verify(member=admin, service=entry)
    curation.service_update(
        member=admin, service=entry, expected_version=1, changes={"description": "Still fine"}
    )
    entry.refresh_from_db()
    assert entry.version == 2 and entry.last_verified_on == timezone.localdate()


def test_a_long_verify_note_is_refused(admin, entry):
    with pytest.raises(ValidationError):
        curation.service_verify(member=admin, service=entry, note="x" * 1001)


def test_other_organizations_and_other_roles_cannot_curate(olive, sam, entry):
    for user in (olive, sam):
        with pytest.raises(PermissionDenied):
            curation.service_verify(member=user.memberships.get(), service=entry)
        with pytest.raises(PermissionDenied):
            curation.service_update(
                member=user.memberships.get(),
                service=entry,
                expected_version=1,
                changes={"name": "Taken"},
            )


def test_merge_moves_referrals_and_reports_and_keeps_the_duplicate(
    admin, harbor, entry, jordan, pat, heard
):
    duplicate = service("Harbor drop in", curator=harbor, phone="(508) 555-0100")
    referral = referral_to(duplicate, jordan, pat)
    report = findhelp_services.problem_report_create(service=duplicate, kind="closed")
    older = service("Harbor dropin (old)", curator=harbor)
    older.merged_into = duplicate
    older.save()
    heard.clear()  # the set-up's own announcements

    result = curation.service_merge(member=admin, duplicate=duplicate, keep=entry)

    assert result.kept == entry and result.referrals_moved == 1 and result.reports_moved == 1
    referral.refresh_from_db()
    assert referral.to_service == entry
    assert referral.recipient_name  # as sent
    assert ServiceProblemReport.objects.get(pk=report.pk).service == entry
    duplicate.refresh_from_db()
    assert duplicate.status == "inactive" and duplicate.merged_into == entry
    assert duplicate.version == 2
    older.refresh_from_db()
    assert older.merged_into == entry
    event = AuditEvent.objects.get(action="directory.service_merged")
    assert event.details["referrals_moved"] == 1 and event.details["reports_moved"] == 1
    assert set(heard[0]) == {entry.pk, duplicate.pk, older.pk}
    # The duplicate is out of Find Help.
    from beacon.findhelp.selectors import public_services

    assert not public_services().filter(pk=duplicate.pk).exists()


def test_a_merged_entry_cannot_be_edited_or_merged_again(admin, harbor, entry):
    duplicate = service("Dup", curator=harbor)
    curation.service_merge(member=admin, duplicate=duplicate, keep=entry)
    duplicate.refresh_from_db()
    with pytest.raises(PermissionDenied):
        curation.service_update(
            member=admin, service=duplicate, expected_version=2, changes={"name": "Back"}
        )
    with pytest.raises(PermissionDenied):
        curation.service_merge(member=admin, duplicate=entry, keep=duplicate)


def test_an_entry_cannot_be_merged_into_itself(admin, entry):
    with pytest.raises(ValidationError):
        curation.service_merge(member=admin, duplicate=entry, keep=entry)


# The re-verify queue --------------------------------------------------------------------------


def _verified(harbor, name, days_ago, **fields):
    today = timezone.localdate()
    return service(
        name,
        curator=harbor,
        last_verified_on=None if days_ago is None else today - timedelta(days=days_ago),
        **fields,
    )


def test_queue_holds_never_and_long_ago_verified_entries_oldest_first(admin, harbor, lakeside):
    harbor.directory_verify_after_days = 90
    harbor.save()
    never = _verified(harbor, "Never", None)
    old = _verified(harbor, "Old", 400)
    due = _verified(harbor, "Due today", 90)
    _verified(harbor, "Recent", 89)
    _verified(harbor, "Closed", 400, status="inactive")
    _verified(lakeside, "Theirs", 400)
    service("Unclaimed", curator=None)
    admin.organization.refresh_from_db()
    assert list(selectors.reverify_queue(member=admin)) == [never, old, due]
    assert selectors.curation_counts(member=admin).reverify_due == 3


def test_queue_follows_the_setting(admin, harbor):
    entry = _verified(harbor, "Half a year", 100)
    assert list(selectors.reverify_queue(member=admin)) == []  # default 180 days
    harbor.directory_verify_after_days = 30
    harbor.save()
    admin.organization.refresh_from_db()
    assert list(selectors.reverify_queue(member=admin)) == [entry]


def test_queue_is_empty_for_other_roles(sam, harbor):
    _verified(harbor, "Never", None)
    assert list(selectors.reverify_queue(member=sam.memberships.get())) == []


# Likely duplicates -----------------------------------------------------------------------------


def test_duplicates_need_the_same_name_and_a_shared_phone_or_address(admin, harbor, lakeside):
    a = service("The Bridge Clinic", curator=harbor, phone="508-555-0142")
    b = service("Bridge clinic", curator=None, phone="+1 (508) 555-0142")
    service("Bridge Clinic", curator=harbor, phone="978-555-0000", at=None)  # name only
    service("Bridge Clinic", curator=lakeside, phone="508-555-0142")  # not ours to merge
    pairs = selectors.duplicate_suggestions(member=admin)
    assert [({p.first, p.second}, p.reason) for p in pairs] == [({a, b}, "phone")]
    assert b in selectors.duplicate_candidates(member=admin, service=a)


def test_normalized_name():
    assert selectors.normalized_name("The  Bridge-Clinic!") == "bridge clinic"


def test_unknown_fields_are_a_programming_error(admin, entry):
    with pytest.raises(ValueError):
        curation.service_update(
            member=admin, service=entry, expected_version=1, changes={"hsds_id": "x"}
        )
    assert Service.objects.get(pk=entry.pk).hsds_id == entry.hsds_id


def test_duplicate_suggestions_stop_at_the_limit_in_name_order(admin, harbor):
    for name in ("Beta House", "Alpha House", "Gamma House"):
        service(name, curator=harbor, phone="508-555-0100")
        service(name.upper(), curator=harbor, phone="508-555-0100")
    pairs = selectors.duplicate_suggestions(member=admin, limit=2)
    assert [selectors.normalized_name(p.first.name) for p in pairs] == [
        "alpha house",
        "beta house",
    ]


def test_a_shared_street_address_is_a_likely_duplicate_too(admin, harbor):
    a = service("Serenity House", curator=harbor, phone="")
    b = service("Serenity House", curator=harbor, phone="978-555-0100")
    address = b.service_at_locations.get().location.addresses.get()
    address.address_1 = a.service_at_locations.get().location.addresses.get().address_1.upper()
    address.save()
    (pair,) = selectors.duplicate_suggestions(member=admin)
    assert {pair.first, pair.second} == {a, b} and pair.reason == "address"
