import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.encounters.services import encounter_log
from beacon.programs import export, prefill, selectors, services
from beacon.programs.instruments import spars_mapping
from beacon.programs.models import Kind, ProgramAssessment, Status
from beacon.programs.tests.factories import enroll, program_for
from conftest import member_of

TODAY = timezone.localdate


def days(n):
    return datetime.timedelta(days=n)


def _complete(user, assessment, **extra):
    known = prefill.known_answers(assessment, part="staff")
    answers = {key: k.value for key, k in known.items()}
    answers.update(extra)
    return services.assessment_save(
        member=member_of(user),
        assessment=assessment,
        answers=answers,
        prefilled={key: k.source for key, k in known.items()},
        conducted_on=TODAY(),
        complete=True,
    )


def test_program_create_is_for_leads_and_audited(sam, pat):
    with pytest.raises(PermissionDenied):
        program_for(pat)
    program = program_for(sam)
    assert AuditEvent.objects.filter(action="program.created", object_id=str(program.pk)).exists()
    with pytest.raises(ValidationError) as exc:
        program_for(sam, name="Another")  # same grant number
    assert "grant_number" in exc.value.message_dict


def test_enrol_makes_the_schedule_and_re_enrolment_keeps_the_client_id(sam, pat, jordan):
    program = program_for(sam)
    episode = enroll(pat, program, jordan, days_ago=10)
    kinds = list(episode.assessments.order_by("opens_on").values_list("kind", flat=True))
    assert kinds == [Kind.BASELINE, Kind.REASSESSMENT]  # the annual one opens after the end
    assert episode.client_id == f"{jordan.record_number:06d}"
    with pytest.raises(ValidationError, match="already enrolled"):
        enroll(pat, program, jordan, days_ago=5)
    services.episode_end(member=member_of(pat), episode=episode, ended_on=TODAY() - days(3))
    statuses = dict(episode.assessments.values_list("kind", "status"))
    # The reassessment's window had not opened: not needed; a closeout is due.
    assert statuses == {
        Kind.BASELINE: Status.PENDING,
        Kind.REASSESSMENT: Status.NOT_NEEDED,
        Kind.CLOSEOUT: Status.PENDING,
    }
    again = enroll(pat, program, jordan, days_ago=1)
    assert (again.number, again.client_id) == (2, episode.client_id)
    assert again.assessments.filter(kind=Kind.BASELINE, status=Status.PENDING).count() == 1


def test_a_peer_enrols_only_their_own_caseload(sam, quinn, jordan):
    program = program_for(sam)
    with pytest.raises(PermissionDenied):
        enroll(quinn, program, jordan, days_ago=1)


def test_intake_date_must_fall_within_the_program(sam, pat, jordan):
    program = program_for(sam, days_in=10)
    with pytest.raises(ValidationError, match="within the program"):
        enroll(pat, program, jordan, days_ago=20)


def test_prefill_from_the_record_and_from_the_last_assessment(sam, pat, jordan):
    jordan.date_of_birth = datetime.date(1988, 4, 2)
    jordan.save(update_fields=["date_of_birth"])
    program = program_for(sam)
    episode = enroll(pat, program, jordan, days_ago=170)
    member = member_of(pat)
    for topics in (["housing"], ["housing", "employment"], []):
        encounter_log(
            member=member,
            participant=jordan,
            occurred_at=timezone.now() - days(20),
            duration_minutes=45,
            modality="in_person",
            setting="community",
            kind="one_on_one",
            topics=topics,
            note="Talked.",
        )
    baseline = episode.assessments.get(kind=Kind.BASELINE)
    known = prefill.known_answers(baseline, part="staff")
    assert known["birth_month"].value == "04/1988"
    assert "date of birth" in known["birth_month"].source
    assert known["first_service_date"].value == (timezone.localdate() - days(20)).isoformat()
    # The baseline was done back then, with the client's part answered.
    baseline.conducted_on = TODAY() - days(160)
    _complete(pat, baseline)
    ProgramAssessment.objects.filter(pk=baseline.pk).update(
        client_answers={"housing": "with_others"}, conducted_on=TODAY() - days(160)
    )
    follow_up = episode.assessments.get(kind=Kind.REASSESSMENT)
    staff = prefill.known_answers(follow_up, part="staff")
    assert staff["peer_sessions"].value == "3"
    assert staff["peer_hours"].value == "2.2"  # 135 minutes
    assert staff["housing_support"].value == "yes"
    assert staff["employment_support"].value == "yes"
    assert staff["transportation_support"].value == "no"
    assert staff["referrals_made"].value == "0"
    client = prefill.known_answers(follow_up, part="client")
    assert client["housing"].value == "with_others"
    assert "From the assessment of" in client["housing"].source


def test_completing_needs_every_required_answer(sam, pat, jordan):
    program = program_for(sam)
    baseline = enroll(pat, program, jordan, days_ago=5).assessments.get(kind=Kind.BASELINE)
    with pytest.raises(ValidationError) as exc:
        services.assessment_save(
            member=member_of(pat),
            assessment=baseline,
            answers={"first_service_date": "yesterday"},
            prefilled={},
            conducted_on=TODAY(),
            complete=True,
        )
    assert set(exc.value.message_dict) == {"first_service_date", "birth_month"}
    # A draft keeps what was typed without the required ones.
    services.assessment_save(
        member=member_of(pat),
        assessment=baseline,
        answers={"first_service_date": TODAY().isoformat()},
        prefilled={"first_service_date": "From the record"},
        conducted_on=None,
        complete=False,
    )
    baseline.refresh_from_db()
    assert baseline.status == Status.PENDING
    assert baseline.answers == {"first_service_date": TODAY().isoformat()}


def _closing_follow_up(sam, pat, jordan):
    program = program_for(sam, days_in=250, reassessment_days=200)
    # Intake 220 days ago: reassessment due 20 days ago, its window closes in 10 days.
    episode = enroll(pat, program, jordan, days_ago=220)
    return episode.assessments.get(kind=Kind.REASSESSMENT)


def test_administrative_record_only_when_the_window_is_closing(sam, pat, jordan):
    follow_up = _closing_follow_up(sam, pat, jordan)
    member = member_of(pat)
    services.contact_attempt_log(member=member, assessment=follow_up, method="call")
    assert follow_up.attempts.count() == 1
    with pytest.raises(ValidationError, match="Say why"):
        services.administrative_record_file(member=member, assessment=follow_up, reason=" ")
    services.administrative_record_file(
        member=member, assessment=follow_up, reason="No answer to 10 calls and texts."
    )
    follow_up.refresh_from_db()
    assert follow_up.status == Status.ADMINISTRATIVE
    early = enroll(pat, program_for(sam, grant_number="TI-2"), jordan, days_ago=1)
    reassessment = early.assessments.get(kind=Kind.REASSESSMENT)
    with pytest.raises(ValidationError, match="last 14 days"):
        services.administrative_record_file(member=member, assessment=reassessment, reason="x")


def test_follow_up_rate_counts_only_in_window(sam, pat, quinn, jordan, casey):
    program = program_for(sam, days_in=300, reassessment_days=200, annual=False)
    # Jordan's window closed 20 days ago, done inside it; Casey's closed 10 days ago, missed.
    j = enroll(pat, program, jordan, days_ago=250).assessments.get(kind=Kind.REASSESSMENT)
    c = enroll(quinn, program, casey, days_ago=240).assessments.get(kind=Kind.REASSESSMENT)
    ProgramAssessment.objects.filter(pk=j.pk).update(
        status=Status.DONE, conducted_on=j.due_on, completed_at=timezone.now()
    )
    report = selectors.follow_up_report(member=member_of(sam), program=program)
    assert (report.overall.done_in_window, report.overall.counted) == (1, 2)
    assert report.overall.percent == 50 and report.below_target
    assert [(name, r.percent) for name, r in report.by_peer] == [
        ("Pat Peer", 100),
        ("Quinn Peer", 0),
    ]
    assert sum(r.counted for _, r in report.by_month) == 2
    # Done late (outside its window): counted, not in window.
    ProgramAssessment.objects.filter(pk=c.pk).update(
        status=Status.DONE, conducted_on=c.closes_on + days(2), completed_at=timezone.now()
    )
    report = selectors.follow_up_report(member=member_of(sam), program=program)
    assert (report.overall.done_in_window, report.overall.counted) == (1, 2)


def test_reach_first_lists_open_follow_ups_fewest_days_left_first(sam, pat, jordan, casey, quinn):
    program = program_for(sam, days_in=300, reassessment_days=200, annual=False)
    enroll(pat, program, jordan, days_ago=205)  # 25 days left
    enroll(quinn, program, casey, days_ago=222)  # 8 days left: closing
    report = selectors.follow_up_report(member=member_of(sam), program=program)
    assert [(r.participant.given_name, r.state, r.days_left) for r in report.reach_first] == [
        ("Casey", "closing", 9),
        ("Jordan", "due", 26),
    ]
    # A peer sees only their own caseload's schedule.
    rows = selectors.schedule_rows(member=member_of(pat), program=program)
    assert {r.participant.given_name for r in rows} == {"Jordan"}


def test_spars_check_names_each_missing_answer_and_person(sam, pat, jordan):
    program = program_for(sam)
    baseline = enroll(pat, program, jordan, days_ago=5).assessments.get(kind=Kind.BASELINE)
    ProgramAssessment.objects.filter(pk=baseline.pk).update(
        status=Status.DONE,
        conducted_on=TODAY(),
        completed_at=timezone.now(),
        answers={"first_service_date": TODAY().isoformat()},
    )
    with pytest.raises(export.ExportRefused) as exc:
        export.spars_export(program=program, member=member_of(sam))
    (missing,) = exc.value.missing
    text = str(missing)
    assert jordan.display_name in text
    assert "Month and year of birth" in text
    assert baseline.episode.client_id in text


def test_spars_csv_has_exactly_the_mapped_columns(sam, pat, jordan):
    jordan.date_of_birth = datetime.date(1990, 11, 5)
    jordan.save(update_fields=["date_of_birth"])
    program = program_for(sam)
    baseline = enroll(pat, program, jordan, days_ago=5).assessments.get(kind=Kind.BASELINE)
    _complete(pat, baseline)
    ProgramAssessment.objects.filter(pk=baseline.pk).update(client_answers={"housing": "own"})
    text, rows = export.spars_export(program=program, member=member_of(sam))
    assert rows == 1
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == spars_mapping("suprt").header
    row = dict(zip(table[0], table[1], strict=True))
    assert row["ClientID"] == f"{jordan.record_number:06d}"
    assert row["GrantID"] == "TI-000001"
    assert row["AssessmentType"] == "baseline"
    assert row["BirthMonthYear"] == "11/1990"
    assert row["Housing"] == "own"
    assert row["AssessmentDate"] == TODAY().strftime("%m/%d/%Y")
    assert row["Administrative"] == "0"
    assert AuditEvent.objects.filter(action="program.spars_exported").count() == 1


def test_a_new_codebook_is_a_new_mapping_file(sam, pat, jordan, settings, tmp_path):
    mapping = tmp_path / "codebook.toml"
    mapping.write_text(
        '[suprt]\ncolumns = [{ name = "CLIENT_ID", value = "client_id" },'
        ' { name = "DOB", value = "item:birth_month" }]\n'
        "[suprt.assessment_codes]\nbaseline = '600'\n"
    )
    settings.BEACON_SPARS_COLUMNS = str(mapping)
    jordan.date_of_birth = datetime.date(1990, 11, 5)
    jordan.save(update_fields=["date_of_birth"])
    program = program_for(sam)
    baseline = enroll(pat, program, jordan, days_ago=5).assessments.get(kind=Kind.BASELINE)
    _complete(pat, baseline)
    text, _ = export.spars_export(program=program, member=member_of(sam))
    assert text.splitlines() == ["CLIENT_ID,DOB", f"{jordan.record_number:06d},11/1990"]


def test_the_participant_answers_their_own_part(sam, pat, riley, riley_record):
    program = program_for(sam)
    baseline = enroll(pat, program, riley_record, days_ago=3).assessments.get(kind=Kind.BASELINE)
    assert selectors.own_open_questions(participant=riley_record) == [baseline]
    services.client_answers_save(
        member=member_of(riley), assessment=baseline, answers={"housing": "own", "education": ""}
    )
    baseline.refresh_from_db()
    assert baseline.client_answers == {"housing": "own"}
    with pytest.raises(ValidationError):
        services.client_answers_save(
            member=member_of(riley), assessment=baseline, answers={"housing": "castle"}
        )
