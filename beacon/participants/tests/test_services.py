from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.consents.models import Consent
from beacon.core.concurrency import StaleVersion
from beacon.encounters.models import Encounter
from beacon.participants import selectors, services
from beacon.participants.models import CaseloadAssignment, Participant, PriorityPopulation
from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory
from conftest import member_of


def _encounter(participant, peer, **fields):
    values = {
        "organization": participant.organization,
        "participant": participant,
        "peer": peer,
        "duration_minutes": 30,
        "modality": "in_person",
        "setting": "community",
        "kind": "one_on_one",
        "created_by": peer,
    }
    values.update(fields)
    return Encounter.objects.create(**values)


def test_enrol_puts_the_person_on_the_peers_caseload_with_a_record_number(pat, harbor):
    member = member_of(pat, harbor)
    first = services.participant_enroll(member=member, given_name="Ana", family_name="Diaz")
    second = services.participant_enroll(member=member, given_name="Bo", phone="(555) 010-2030")
    assert second.record_number == first.record_number + 1
    assert second.phone_digits == "5550102030"
    assignment = first.assignments.get()
    assert (assignment.peer, assignment.role, assignment.ended_at) == (pat, "primary", None)
    event = AuditEvent.objects.get(action="participant.enrolled", object_id=str(first.pk))
    assert event.actor == pat and event.organization == harbor


def test_record_numbers_are_per_organization(pat, harbor, olive, lakeside):
    a = services.participant_enroll(member=member_of(pat, harbor), given_name="A")
    b = services.participant_enroll(member=member_of(olive, lakeside), given_name="B")
    assert a.record_number == b.record_number == 1001


def test_enrol_refuses_unknown_pathways(pat, harbor):
    with pytest.raises(ValidationError) as exc:
        services.participant_enroll(
            member=member_of(pat, harbor), given_name="A", pathways=["12_step", "willpower"]
        )
    assert "willpower" in str(exc.value.message_dict["pathways"])


def test_supervisor_enrols_onto_a_chosen_peers_caseload(sam, pat, harbor):
    p = services.participant_enroll(member=member_of(sam, harbor), primary_peer=pat, given_name="C")
    assert p.assignments.get().peer == pat


def test_the_enrol_action_checks_role_duplicates_and_primary_peer_before_writing(
    sam, pat, quinn, riley, olive, harbor, jordan
):
    values = {"given_name": jordan.given_name, "family_name": jordan.family_name}
    values["date_of_birth"] = jordan.date_of_birth = date(1990, 5, 17)
    jordan.save(update_fields=["date_of_birth"])
    before = Participant.objects.count()
    refused = services.EnrollParticipant(member=member_of(riley, harbor), values=values)
    with pytest.raises(PermissionDenied):
        refused.execute()
    action = services.EnrollParticipant(member=member_of(sam, harbor), values=values)
    with pytest.raises(services.PossibleDuplicate) as exc:
        action.execute()
    assert [d.participant for d in exc.value.duplicates] == [jordan]
    outsider = services.EnrollParticipant(
        member=member_of(sam, harbor),
        values=values,
        primary_peer_id=olive.pk,
        confirm_not_duplicate=True,
    )
    with pytest.raises(ValidationError) as exc:
        outsider.execute()
    assert set(exc.value.message_dict) == {"primary_peer"}
    onto_other = services.EnrollParticipant(
        member=member_of(pat, harbor),
        values=values,
        primary_peer_id=quinn.pk,
        confirm_not_duplicate=True,
    )
    with pytest.raises(PermissionDenied):
        onto_other.execute()
    assert Participant.objects.count() == before
    action.confirm_not_duplicate = True
    action.primary_peer_id = quinn.pk
    participant = action.execute()
    assert participant.assignments.get().peer == quinn


def test_update_with_a_stale_version_writes_nothing(pat, harbor, jordan):
    member = member_of(pat, harbor)
    services.participant_update(
        member=member, participant=jordan, expected_version=1, preferred_name="Jo"
    )
    stale = Participant.objects.get(pk=jordan.pk)
    stale.version = 1
    with pytest.raises(StaleVersion) as exc:
        services.participant_update(
            member=member, participant=stale, expected_version=1, preferred_name="J"
        )
    assert exc.value.current.version == 2
    jordan.refresh_from_db()
    assert jordan.preferred_name == "Jo" and jordan.version == 2


def test_sensitive_values_never_reach_the_audit_trail(pat, harbor, jordan):
    services.participant_update(
        member=member_of(pat, harbor),
        participant=jordan,
        expected_version=jordan.version,
        medicaid_id="MA123456",
        preferred_name="Jo",
    )
    event = AuditEvent.objects.get(action="participant.updated")
    assert event.details["medicaid_id"] == "(changed)"
    assert event.details["preferred_name"] == {"old": "", "new": "Jo"}
    assert "MA123456" not in str(event.details)


def test_transfer_ends_the_old_primary_and_keeps_history(sam, pat, quinn, harbor, jordan):
    member = member_of(sam, harbor)
    services.caseload_assign(member=member, participant=jordan, peer=quinn, role="primary")
    current = jordan.assignments.filter(ended_at__isnull=True)
    assert [(a.peer, a.role) for a in current] == [(quinn, "primary")]
    old = jordan.assignments.get(peer=pat)
    assert old.ended_at is not None and old.ended_by == sam
    assert {"caseload.assigned", "caseload.ended"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_secondary_peer_joins_without_replacing_the_primary(sam, pat, quinn, harbor, jordan):
    services.caseload_assign(
        member=member_of(sam, harbor), participant=jordan, peer=quinn, role="secondary"
    )
    assert jordan.assignments.filter(ended_at__isnull=True).count() == 2


def _written():
    return (
        Participant.objects.count(),
        CaseloadAssignment.objects.count(),
        CaseloadAssignment.objects.filter(ended_at__isnull=False).count(),
        AuditEvent.objects.count(),
    )


def test_only_supervisors_and_admins_assign_caseloads(pat, quinn, sam, harbor, jordan, casey):
    """Issue 14: the services refuse by themselves (scripts and commands call them too), and a
    refusal writes nothing."""
    peer = member_of(pat, harbor)
    before = _written()
    with pytest.raises(PermissionDenied, match="supervisors and organization admins"):
        services.participant_enroll(member=peer, primary_peer=quinn, given_name="Ana")
    with pytest.raises(PermissionDenied, match="supervisors and organization admins"):
        services.participant_enroll(member=peer, primary_peer=sam, given_name="Ana")
    for role in ("primary", "secondary"):
        with pytest.raises(PermissionDenied, match="supervisors and organization admins"):
            services.caseload_assign(member=peer, participant=jordan, peer=quinn, role=role)
    with pytest.raises(PermissionDenied, match="supervisors and organization admins"):
        services.caseload_assign(member=peer, participant=casey, peer=pat, role="primary")
    with pytest.raises(PermissionDenied, match="supervisors and organization admins"):
        services.caseload_end(member=peer, assignment=jordan.assignments.get())
    with pytest.raises(PermissionDenied):
        services.participants_merge(member=peer, keep=jordan, duplicate=casey)
    assert _written() == before
    # A peer enrolling onto their own caseload still can, named or by default.
    for primary in (pat, None):
        enrolled = services.participant_enroll(member=peer, primary_peer=primary, given_name="B")
        assert [a.peer for a in enrolled.assignments.all()] == [pat]


def test_caseloads_are_assigned_only_within_ones_own_organization(
    sam, olive, lakeside, harbor, jordan
):
    before = _written()
    with pytest.raises(PermissionDenied):
        services.caseload_assign(
            member=member_of(olive, lakeside), participant=jordan, peer=olive, role="primary"
        )
    assert _written() == before


def _record(participant):
    participant.refresh_from_db()
    return (
        participant.version,
        participant.given_name,
        participant.discharged_on,
        participant.enrolled_on,
        PriorityPopulation.objects.count(),
        AuditEvent.objects.count(),
    )


def test_only_those_who_may_change_the_record_update_discharge_or_readmit(
    pat, quinn, riley, olive, harbor, lakeside, jordan
):
    """Issue 14: participant_update, participant_discharge and participant_readmit check
    can_edit_participant themselves (scripts call them too), and a refusal writes nothing. A peer
    of an organization open to the team sees every participant but changes only their own."""
    harbor.participants_open_to_team = True
    harbor.save()
    today = timezone.localdate()
    refused = [member_of(quinn, harbor), member_of(riley, harbor), member_of(olive, lakeside)]
    before = _record(jordan)
    for member in refused:
        with pytest.raises(PermissionDenied, match="can change this record"):
            services.participant_update(
                member=member, participant=jordan, expected_version=jordan.version, phone="1"
            )
        with pytest.raises(PermissionDenied, match="can discharge this participant"):
            services.participant_discharge(
                member=member, participant=jordan, discharged_on=today, reason="goals_met"
            )
    assert _record(jordan) == before
    services.participant_discharge(
        member=member_of(pat, harbor), participant=jordan, discharged_on=today, reason="goals_met"
    )
    before = _record(jordan)
    for member in refused:
        with pytest.raises(PermissionDenied, match="can enroll this participant again"):
            services.participant_readmit(member=member, participant=jordan, enrolled_on=today)
    assert _record(jordan) == before
    services.participant_readmit(
        member=member_of(pat, harbor), participant=jordan, enrolled_on=today
    )
    assert _record(jordan)[2] is None


def test_only_organization_admins_add_priority_populations(ada, sam, pat, harbor, jordan):
    before = _record(jordan)
    for user in (sam, pat):
        with pytest.raises(PermissionDenied, match="Only organization admins"):
            services.population_create(member=member_of(user, harbor), name="Veterans")
    assert _record(jordan) == before
    population = services.population_create(member=member_of(ada, harbor), name="Veterans")
    assert population.organization == harbor


def test_only_the_organizations_peers_can_be_assigned(sam, olive, harbor, jordan):
    with pytest.raises(ValidationError):
        services.caseload_assign(
            member=member_of(sam, harbor), participant=jordan, peer=olive, role="primary"
        )


def test_discharge_and_enrol_again(pat, harbor, jordan):
    member = member_of(pat, harbor)
    today = timezone.localdate()
    services.participant_discharge(
        member=member, participant=jordan, discharged_on=today, reason="goals_met"
    )
    assert jordan.discharged_on == today and not jordan.is_active
    with pytest.raises(ValidationError):
        services.participant_discharge(
            member=member, participant=jordan, discharged_on=today, reason="goals_met"
        )
    services.participant_readmit(member=member, participant=jordan, enrolled_on=today)
    assert jordan.discharged_on is None and jordan.discharge_reason == ""
    event = AuditEvent.objects.get(action="participant.readmitted")
    assert event.details["previous"]["discharged_on"] == today.isoformat()


def test_discharge_before_enrolment_is_refused(pat, harbor, jordan):
    with pytest.raises(ValidationError) as exc:
        services.participant_discharge(
            member=member_of(pat, harbor),
            participant=jordan,
            discharged_on=jordan.enrolled_on - timedelta(days=1),
            reason="moved",
        )
    assert "discharged_on" in exc.value.message_dict


# Duplicates and merging ------------------------------------------------------------------------


def test_likely_duplicates_by_similar_name_and_birth_date_or_phone(harbor, pat, quinn):
    born = date(1990, 5, 17)
    twin = ParticipantFactory(
        organization=harbor, given_name="Jonathan", family_name="Rivera", date_of_birth=born
    )
    same_phone = ParticipantFactory(
        organization=harbor, given_name="Sky", family_name="Blue", phone_digits="5551234567"
    )
    ParticipantFactory(
        organization=harbor, given_name="Someone", family_name="Else", date_of_birth=born
    )
    found = selectors.likely_duplicates(
        organization=harbor,
        given_name="Jonathon",
        family_name="Rivera",
        date_of_birth=born,
        phone="(555) 123-4567",
    )
    reasons = {m.participant.pk: m.reasons for m in found}
    assert set(reasons) == {twin.pk, same_phone.pk}
    assert reasons[same_phone.pk] == ["same phone number"]


def test_duplicates_are_not_searched_across_organizations(harbor, lakeside):
    born = date(1980, 1, 1)
    ParticipantFactory(
        organization=lakeside, given_name="Ana", family_name="Diaz", date_of_birth=born
    )
    assert not selectors.likely_duplicates(
        organization=harbor, given_name="Ana", family_name="Diaz", date_of_birth=born, phone=""
    )


def test_merge_keeps_every_encounter_consent_and_history(sam, pat, quinn, harbor, jordan, casey):
    _encounter(jordan, pat)
    _encounter(casey, quinn)
    _encounter(casey, quinn, kind="check_in")
    Consent.objects.create(
        organization=harbor,
        participant=casey,
        kind="tpo",
        discloser="Harbor",
        information_description="All",
        purpose="Care",
        expiry_kind="none",
        revocation_instructions="Tell us",
        signed_name="Casey Lake",
        signed_on=timezone.localdate(),
        recorded_by=quinn,
    )
    casey.phone = "555-9999"
    casey.save()
    kept = services.participants_merge(member=member_of(sam, harbor), keep=jordan, duplicate=casey)
    assert kept.encounters.count() == 3
    assert kept.consents.count() == 1
    casey.refresh_from_db()
    assert casey.merged_into_id == jordan.pk
    # One primary peer per person: Quinn, Casey's primary, stays on the team as secondary,
    # and her ended primary assignment is in the kept record's history.
    current = {(a.peer, a.role) for a in kept.assignments.filter(ended_at__isnull=True)}
    assert current == {(pat, "primary"), (quinn, "secondary")}
    assert kept.assignments.filter(peer=quinn, role="primary", ended_at__isnull=False).exists()
    assert kept.phone == "555-0101"  # the kept record's own value wins
    assert not Participant.objects.current().filter(pk=casey.pk).exists()
    assert AuditEvent.objects.filter(action="participant.merged").count() == 2


def test_merge_fills_empty_fields_from_the_duplicate(sam, harbor, jordan, casey):
    casey.pronouns = "they/them"
    casey.save()
    kept = services.participants_merge(member=member_of(sam, harbor), keep=jordan, duplicate=casey)
    assert kept.pronouns == "they/them"


def test_merge_refuses_the_same_record_or_another_organization(sam, harbor, jordan, morgan):
    member = member_of(sam, harbor)
    with pytest.raises(ValidationError):
        services.participants_merge(member=member, keep=jordan, duplicate=jordan)
    with pytest.raises(ValidationError):
        services.participants_merge(member=member, keep=jordan, duplicate=morgan)


def test_contact_and_follow_up_facts(pat, harbor, jordan):
    now = timezone.now()
    services.participant_contact_recorded(
        participant=jordan, occurred_at=now, follow_up_on=None, was_contact=False
    )
    assert jordan.last_contact_at is None
    _encounter(jordan, pat, occurred_at=now)
    services.participant_contact_recorded(
        participant=jordan, occurred_at=now, follow_up_on=date(2030, 1, 1), was_contact=True
    )
    assert jordan.last_contact_at == now and jordan.next_follow_up_on == date(2030, 1, 1)
    # An older encounter logged late neither hides the newer contact nor its follow-up.
    earlier = now - timedelta(days=3)
    _encounter(jordan, pat, occurred_at=earlier)
    services.participant_contact_recorded(
        participant=jordan, occurred_at=earlier, follow_up_on=date(2029, 1, 1), was_contact=True
    )
    assert jordan.last_contact_at == now and jordan.next_follow_up_on == date(2030, 1, 1)


def test_assignment_factory_respects_one_primary(jordan, quinn):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(participant=jordan, peer=quinn, role="primary")
    assert CaseloadAssignment.objects.filter(participant=jordan, ended_at__isnull=True).count() == 1


def test_discharge_ends_consents_that_last_until_the_end_of_services(pat, harbor, jordan):
    def consent(expiry_kind):
        return Consent.objects.create(
            organization=harbor,
            participant=jordan,
            kind="tpo",
            discloser="Harbor",
            information_description="All",
            purpose="Care",
            expiry_kind=expiry_kind,
            revocation_instructions="Tell us",
            signed_name="Jordan Rivers",
            signed_on=timezone.localdate(),
            recorded_by=pat,
        )

    until_end, open_ended = consent("end_of_treatment"), consent("none")
    services.participant_discharge(
        member=member_of(pat, harbor),
        participant=jordan,
        discharged_on=timezone.localdate(),
        reason="goals_met",
    )
    until_end.refresh_from_db()
    open_ended.refresh_from_db()
    assert until_end.status == "expired" and open_ended.status == "active"
    event = AuditEvent.objects.get(action="participant.discharged")
    assert event.details["consents_ended"] == [str(until_end.pk)]


def test_a_record_entered_after_the_fact_starts_the_caseload_at_enrolment(pat, harbor):
    enrolled = timezone.localdate() - timedelta(days=40)
    participant = services.participant_enroll(
        member=member_of(pat, harbor), given_name="Late", enrolled_on=enrolled
    )
    assert timezone.localtime(participant.assignments.get().started_at).date() == enrolled
    today = services.participant_enroll(member=member_of(pat, harbor), given_name="Now")
    assert timezone.localtime(today.assignments.get().started_at).date() == timezone.localdate()


def test_merge_carries_the_accounting_of_disclosures(sam, quinn, harbor, jordan, casey):
    from beacon.referrals.models import Disclosure

    Disclosure.objects.create(
        organization=harbor,
        participant=casey,
        recipient_name="Mercy Community Health",
        recipient_organization="",
        description="Name and contact",
        made_by=quinn,
    )
    services.participants_merge(member=member_of(sam, harbor), keep=jordan, duplicate=casey)
    assert Disclosure.objects.get().participant_id == jordan.pk
