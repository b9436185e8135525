from django.utils import timezone

from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory
from beacon.programs import schedule
from beacon.programs.demo import GRANT, demo_programs_create
from beacon.programs.models import Program, ProgramAssessment
from conftest import member_of


def test_the_demo_program_is_halfway_through_its_year_with_every_state(
    harbor, sam, pat, quinn, riley, riley_record
):
    for peer in (pat, quinn):
        for _ in range(5):
            participant = ParticipantFactory(organization=harbor, created_by=peer)
            AssignmentFactory(participant=participant, peer=peer, assigned_by=peer)
    demo_programs_create(
        supervisor=member_of(sam),
        peers=[member_of(pat), member_of(quinn)],
        participant_account=riley,
    )
    program = Program.objects.get(grant_number=GRANT)
    today = timezone.localdate()
    elapsed = (today - program.starts_on).days / (program.ends_on - program.starts_on).days
    assert 0.45 < elapsed < 0.6
    states = {
        schedule.state(a, today, program.closing_days)
        for a in ProgramAssessment.objects.filter(program=program)
    }
    assert {"open", "due", "closing", "missed", "done", "administrative", "not_needed"} <= states
    assert ProgramAssessment.objects.filter(
        participant=riley_record, kind="baseline", status="pending"
    ).exists()


def test_the_demo_has_the_grant_program_and_the_participants_own_questions(demo):
    program = Program.objects.get(grant_number=GRANT)
    assert program.organization.name.startswith("Harbor")
    assert ProgramAssessment.objects.filter(program=program).count() >= 17
    own = ProgramAssessment.objects.filter(
        program=program, participant__account__email="participant@harbor.demo"
    )
    assert dict(own.values_list("kind", "status")) == {
        "baseline": "pending",
        "reassessment": "pending",
    }
