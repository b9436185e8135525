import datetime

from django.urls import reverse
from django.utils import timezone

from beacon.programs.models import Kind, Program, ProgramAssessment, Status
from beacon.programs.tests.factories import enroll, program_for


def test_a_lead_adds_a_program_and_bad_input_keeps_what_was_typed(client_for, sam):
    client = client_for(sam)
    data = {
        "name": "Bridges to Recovery",
        "funder": "SAMHSA",
        "grant_number": "TI-084512",
        "starts_on": "2026-10-01",
        "ends_on": "2026-09-30",  # before the start
        "instrument": "suprt",
        "client_type": "2",
        "baseline_within_days": "30",
        "reassessment_days": "180",
        "reassessment_before": "30",
        "reassessment_after": "30",
        "annual": "on",
        "annual_before": "30",
        "annual_after": "30",
        "closeout_within_days": "30",
        "closing_days": "14",
        "contact_attempts": "10",
        "follow_up_target": "80",
        "is_active": "on",
    }
    response = client.post(reverse("programs:create"), data)
    assert response.status_code == 400
    assert "The end comes after the start." in response.content.decode()
    assert 'value="Bridges to Recovery"' in response.content.decode()
    data["ends_on"] = "2027-09-30"
    response = client.post(reverse("programs:create"), data)
    program = Program.objects.get()
    assert response.url == reverse("programs:detail", args=[program.pk])


def test_a_peer_enrols_from_the_program_page_and_sees_only_their_caseload(
    client_for, sam, pat, jordan, casey, quinn
):
    program = program_for(sam)
    enroll(quinn, program, casey, days_ago=3)
    client = client_for(pat)
    page = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert "Casey" not in page  # Quinn's caseload: not in Pat's schedule nor enrol list
    assert "Follow-up rate" not in page
    response = client.post(
        reverse("programs:enroll", args=[program.pk]),
        {"participant": str(jordan.pk), "started_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    page = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert "Jordan" in page and "Baseline" in page


def test_the_lead_sees_the_rate_and_who_to_reach_first(client_for, sam, pat, jordan):
    program = program_for(sam, days_in=300, reassessment_days=200, annual=False)
    enroll(pat, program, jordan, days_ago=222)
    page = client_for(sam).get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert "Follow-up rate" in page and "Reach first" in page
    assert "Window closing" in page


def test_the_assessment_page_fills_in_what_beacon_knows_and_completes(client_for, sam, pat, jordan):
    jordan.date_of_birth = datetime.date(1985, 2, 14)
    jordan.save(update_fields=["date_of_birth"])
    program = program_for(sam)
    baseline = enroll(pat, program, jordan, days_ago=2).assessments.get(kind=Kind.BASELINE)
    url = reverse("programs:assessment", args=[baseline.pk])
    client = client_for(pat)
    page = client.get(url).content.decode()
    assert 'value="02/1985"' in page
    assert "From the record: date of birth" in page
    today = timezone.localdate().isoformat()
    # A missing required answer: refused, what was typed kept, the problem named.
    response = client.post(
        url,
        {"action": "complete", "conducted_on": today, "first_service_date": today},
    )
    assert response.status_code == 400
    assert "needed to complete" in response.content.decode()
    response = client.post(
        url,
        {
            "action": "complete",
            "conducted_on": today,
            "first_service_date": today,
            "birth_month": "02/1985",
        },
    )
    assert response.status_code == 302
    baseline.refresh_from_db()
    assert baseline.status == Status.DONE
    assert baseline.prefilled == {"birth_month": "From the record: date of birth"}


def test_administrative_record_offered_only_when_closing(client_for, sam, pat, jordan):
    program = program_for(sam, days_in=300, reassessment_days=200, annual=False)
    follow_up = enroll(pat, program, jordan, days_ago=222).assessments.get(kind=Kind.REASSESSMENT)
    client = client_for(pat)
    url = reverse("programs:assessment", args=[follow_up.pk])
    assert "File an administrative record" in client.get(url).content.decode()
    client.post(reverse("programs:attempt", args=[follow_up.pk]), {"method": "call"})
    response = client.post(
        reverse("programs:administrative", args=[follow_up.pk]), {"reason": "No answer."}
    )
    assert response.status_code == 302
    assert ProgramAssessment.objects.get(pk=follow_up.pk).status == Status.ADMINISTRATIVE
    baseline = follow_up.episode.assessments.get(kind=Kind.BASELINE)
    page = client.get(reverse("programs:assessment", args=[baseline.pk])).content.decode()
    assert "File an administrative record" not in page


def test_spars_page_names_what_is_missing_then_downloads(client_for, sam, pat, jordan):
    program = program_for(sam)
    baseline = enroll(pat, program, jordan, days_ago=2).assessments.get(kind=Kind.BASELINE)
    ProgramAssessment.objects.filter(pk=baseline.pk).update(
        status=Status.DONE, conducted_on=timezone.localdate(), completed_at=timezone.now()
    )
    client = client_for(sam)
    url = reverse("programs:spars", args=[program.pk])
    response = client.post(url)
    assert response.status_code == 400
    assert f"{jordan.display_name} (client {baseline.episode.client_id})" in (
        response.content.decode()
    )
    ProgramAssessment.objects.filter(pk=baseline.pk).update(
        answers={"first_service_date": "2026-01-02", "birth_month": "01/1990"}
    )
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().startswith("ClientID,GrantID,")


def test_the_participant_answers_their_part_in_their_beacon(
    client_for, sam, pat, riley, riley_record
):
    program = program_for(sam)
    baseline = enroll(pat, program, riley_record, days_ago=2).assessments.get(kind=Kind.BASELINE)
    client = client_for(riley)
    listing = client.get(reverse("portal:program_questions")).content.decode()
    assert reverse("portal:program_question", args=[baseline.pk]) in listing
    response = client.post(
        reverse("portal:program_question", args=[baseline.pk]),
        {"housing": "recovery_residence", "employment": "nope"},
    )
    assert response.status_code == 400  # not one of the answers offered; nothing lost
    assert "Choose one of the answers offered." in response.content.decode()
    response = client.post(
        reverse("portal:program_question", args=[baseline.pk]), {"housing": "recovery_residence"}
    )
    assert response.status_code == 302
    baseline.refresh_from_db()
    assert baseline.client_answers == {"housing": "recovery_residence"}
    # The peer sees it on the assessment.
    page = client_for(pat).get(reverse("programs:assessment", args=[baseline.pk])).content
    assert b"In a recovery residence" in page


def test_api_programs_and_schedule(api, sam, pat, jordan, casey, quinn):
    program = program_for(sam)
    enroll(pat, program, jordan, days_ago=3)
    enroll(quinn, program, casey, days_ago=3)
    body = api(pat).get("/api/v1/programs").json()
    assert [p["grant_number"] for p in body["items"]] == ["TI-000001"]
    schedule = api(pat).get(f"/api/v1/programs/{program.pk}/schedule").json()["items"]
    assert {(s["participant"], s["kind"], s["state"]) for s in schedule} == {
        (str(jordan.pk), "baseline", "open"),
        (str(jordan.pk), "reassessment", "upcoming"),
    }
    everyone = api(sam).get(f"/api/v1/programs/{program.pk}/schedule").json()["items"]
    assert len(everyone) == 4
    assert api(pat).get(f"/api/v1/programs/{program.pk}/spars-check").status_code == 403
    check = api(sam).get(f"/api/v1/programs/{program.pk}/spars-check").json()
    assert check == {"assessments": 0, "missing": []}


def test_command_writes_the_file_or_names_what_is_missing(sam, pat, jordan, tmp_path, capsys):
    from beacon.ops.cli import main

    program = program_for(sam)
    baseline = enroll(pat, program, jordan, days_ago=2).assessments.get(kind=Kind.BASELINE)
    ProgramAssessment.objects.filter(pk=baseline.pk).update(
        status=Status.DONE, conducted_on=timezone.localdate(), completed_at=timezone.now()
    )
    out = tmp_path / "spars.csv"
    assert main(["reports", "spars", "--program", "TI-000001", "--out", str(out)]) == 1
    assert "Month and year of birth (MM/YYYY) is missing" in capsys.readouterr().err
    assert not out.exists()
    ProgramAssessment.objects.filter(pk=baseline.pk).update(
        answers={"first_service_date": "2026-01-02", "birth_month": "01/1990"}
    )
    assert main(["reports", "spars", "--program", str(program.pk), "--out", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"{baseline.episode.client_id},TI-000001,")
    assert main(["reports", "spars", "--program", "TI-nothing", "--out", str(out)]) == 1


def test_api_schedule_pages_by_position(client, sam, pat, jordan, quinn, casey):
    from conftest import bearer, walk_pages

    program = program_for(sam)
    enroll(pat, program, jordan, days_ago=3)
    enroll(quinn, program, casey, days_ago=3)
    headers = bearer(sam)
    ids, queries = walk_pages(
        lambda url: client.get(url, **headers),
        f"/api/v1/programs/{program.pk}/schedule?status=all&limit=1",
    )
    expected = ProgramAssessment.objects.filter(program=program).values_list("pk", flat=True)
    assert sorted(ids) == sorted(str(pk) for pk in expected)
    assert len(ids) == len(set(ids)) == 4
    assert len(set(queries[1:])) == 1  # every page after the first (the token's day) the same


def test_the_program_page_costs_the_same_however_many_are_enrolled(client_for, harbor, sam, pat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory

    program = program_for(sam)

    def grow(n):
        for _ in range(n):
            participant = ParticipantFactory(organization=harbor, created_by=pat)
            AssignmentFactory(participant=participant, peer=pat, assigned_by=pat)
            enroll(pat, program, participant, days_ago=3)

    client = client_for(sam)
    url = reverse("programs:detail", args=[program.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    grow(2)
    small = count()
    grow(6)
    assert count() == small


def test_a_lead_edits_a_program_and_the_change_is_audited(client_for, sam):
    from django.forms.models import model_to_dict

    from beacon.audit.models import AuditEvent
    from beacon.programs.services import PROGRAM_FIELDS

    program = program_for(sam)
    data = {k: v for k, v in model_to_dict(program, fields=PROGRAM_FIELDS).items() if v is not None}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    data["follow_up_target"] = "85"
    response = client_for(sam).post(reverse("programs:edit", args=[program.pk]), data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.follow_up_target == 85
    event = AuditEvent.objects.get(action="program.updated")
    assert event.details["new"] == {"follow_up_target": "85"}
