"""Billing runs: which services become claim lines, which are refused and why, billed once,
corrections as replacements and voids, and the 837P checked by pyx12."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from beacon.billing import services
from beacon.billing.models import ClaimLine, Frequency, LineStatus
from beacon.billing.tests.conftest import DAY, log, payer, run
from beacon.billing.tests.x12check import validate_837p
from beacon.encounters.services import encounter_correct
from conftest import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(on_medicaid, sam):
    return services.service_order_add(
        member=member_of(sam),
        participant=on_medicaid,
        signed_on=DAY - datetime.timedelta(days=30),
        signed_by="Dr. Lee Morgan, MD",
    )


@pytest.fixture
def diagnosis(on_medicaid, sam):
    return services.diagnosis_add(
        member=member_of(sam), participant=on_medicaid, code="F11.20", description="OUD"
    )


def reasons(line):
    return [r["code"] for r in line.reasons]


def test_a_billable_encounter_becomes_a_claim_line_and_a_valid_837p(
    billing_settings, on_medicaid, goal, order, diagnosis, pat, ada
):
    log(pat, on_medicaid, minutes=60, goals=[goal])
    made = run(ada, payer())
    (line,) = made.lines.all()
    assert line.status == LineStatus.BILLED
    assert (line.units, line.charge, line.frequency) == (4, Decimal("24.00"), "1")
    assert (line.procedure_code, line.modifiers, line.medicaid_id) == ("H0038", [], "MC1001")
    assert line.diagnosis_codes == ["F1120"]
    assert (made.billed_count, made.refused_count, made.billed_units) == (1, 0, 4)
    text = made.claims_file.open("rb").read().decode("ascii")
    assert validate_837p(text) == []
    assert "SV1*HC:H0038*24*UN*4***1~" in text
    assert "NM1*IL*1*Rivers*Jordan****MI*MC1001~" in text
    assert f"DTP*472*D8*{DAY:%Y%m%d}~" in text
    rows = list(csv.DictReader(io.StringIO(made.csv_file.open("rb").read().decode())))
    assert [(r["medicaid_id"], r["units"], r["charge"], r["frequency"]) for r in rows] == [
        ("MC1001", "4", "24.00", "1")
    ]
    assert tuple(rows[0]) == services.CSV_COLUMNS


def test_what_cannot_be_billed_is_listed_with_each_plain_reason(billing_settings, jordan, pat, ada):
    jordan.insurance = "medicaid"
    jordan.save(update_fields=["insurance"])
    log(pat, jordan, minutes=30)
    made = run(ada, payer())
    (line,) = made.lines.all()
    assert line.status == LineStatus.REFUSED
    assert reasons(line) == [
        "medicaid_id",
        "no_diagnosis",
        "no_service_order",
        "not_linked_to_plan",
    ]
    messages = [r["message"] for r in line.reasons]
    assert "No Medicaid id on the participant's record." in messages
    assert "No signed service order on or before this day." in messages
    assert made.refused_count == 1 and made.billed_count == 0
    # Nothing to send: no file.
    assert not made.claims_file and not made.csv_file


def test_people_not_on_medicaid_are_left_out_not_refused(billing_settings, jordan, pat, ada):
    jordan.insurance = "uninsured"
    jordan.save(update_fields=["insurance"])
    log(pat, jordan, minutes=30)
    made = run(ada, payer())
    assert made.lines.count() == 0


def test_a_service_order_signed_after_the_day_does_not_count(
    billing_settings, on_medicaid, goal, diagnosis, pat, ada, sam
):
    services.service_order_add(
        member=member_of(sam),
        participant=on_medicaid,
        signed_on=DAY + datetime.timedelta(1),
        signed_by="Dr. Lee",
    )
    log(pat, on_medicaid, goals=[goal])
    (line,) = run(ada, payer()).lines.all()
    assert reasons(line) == ["no_service_order"]


def test_the_daily_cap_refuses_the_later_services_of_the_day(
    billing_settings, on_medicaid, goal, diagnosis, pat, ada
):
    # New Jersey: at most 16 units a day. 90 minutes is 6 units: 6 + 6 + 6 = 18.
    for hour in (9, 12, 15):
        log(pat, on_medicaid, minutes=90, hour=hour, goals=[goal])
    made = run(ada, payer("new-jersey"))
    lines = list(made.lines.order_by("created_at"))
    assert [line.status for line in lines] == ["billed", "billed", "refused"]
    assert reasons(lines[2]) == ["daily_cap"]
    assert lines[2].reasons[0]["message"] == (
        "Over the daily cap of 16 units: 12 already billed that day, this service adds 6."
    )
    assert lines[0].modifiers == ["HF"]
    assert validate_837p(made.claims_file.open("rb").read().decode()) == []


def test_the_daily_cap_counts_what_earlier_runs_billed(
    billing_settings, on_medicaid, goal, diagnosis, pat, ada
):
    log(pat, on_medicaid, minutes=90, hour=9, goals=[goal])
    log(pat, on_medicaid, minutes=90, hour=11, goals=[goal])
    run(ada, payer("new-jersey"))
    log(pat, on_medicaid, minutes=90, hour=15, goals=[goal])
    (line,) = run(ada, payer("new-jersey")).lines.all()
    assert reasons(line) == ["daily_cap"]


def test_new_jersey_needs_a_substance_use_diagnosis_and_an_adult(
    billing_settings, on_medicaid, goal, pat, ada, sam
):
    services.diagnosis_add(member=member_of(sam), participant=on_medicaid, code="Z59.0")
    on_medicaid.date_of_birth = DAY - datetime.timedelta(days=365 * 16)
    on_medicaid.save(update_fields=["date_of_birth"])
    log(pat, on_medicaid, goals=[goal])
    (line,) = run(ada, payer("new-jersey")).lines.all()
    assert reasons(line) == ["under_age", "no_diagnosis"]
    assert "codes beginning F10, F11" in line.reasons[1]["message"]


def test_north_carolina_asks_for_prior_approval_past_24_units_a_fiscal_year(
    billing_settings, on_medicaid, goal, order, diagnosis, pat, ada, sam
):
    for hour in range(8, 15):  # seven hours of 4 units: 28 units
        log(pat, on_medicaid, minutes=60, hour=hour, goals=[goal])
    lines = list(run(ada, payer()).lines.order_by("service_date", "created_at"))
    assert [line.status for line in lines].count("billed") == 6
    assert reasons(lines[-1]) == ["no_authorization"]
    # With a prior authorization covering the day, the next run bills it.
    services.authorization_add(
        member=member_of(sam),
        participant=on_medicaid,
        number="PA-77",
        starts_on=DAY,
        ends_on=DAY + datetime.timedelta(days=90),
    )
    (line,) = run(ada, payer()).lines.all()
    assert line.status == LineStatus.BILLED


def test_virginia_refuses_outreach_and_needs_authorization(
    billing_settings, on_medicaid, goal, diagnosis, pat, ada
):
    log(pat, on_medicaid, modality="outreach", goals=[goal])
    (line,) = run(ada, payer("virginia")).lines.all()
    assert reasons(line) == ["not_billable_outreach", "no_authorization"]
    assert line.reasons[0]["message"] == "Outreach is not billable under this payer's rules."


def test_a_service_is_billed_once(billing_settings, on_medicaid, goal, order, diagnosis, pat, ada):
    log(pat, on_medicaid, goals=[goal])
    run(ada, payer())
    again = run(ada, payer())
    assert again.lines.count() == 0
    assert again.already_billed_count == 1
    assert ClaimLine.objects.filter(status="billed").count() == 1


def test_a_correction_replaces_the_billed_line_and_a_gone_service_is_voided(
    billing_settings, on_medicaid, goal, order, diagnosis, pat, ada
):
    encounter = log(pat, on_medicaid, minutes=60, goals=[goal])
    first = run(ada, payer()).lines.get()
    encounter = encounter_correct(
        member=member_of(pat),
        encounter=encounter,
        expected_version=encounter.version,
        reason="It was half an hour.",
        duration_minutes=30,
    )
    second = run(ada, payer())
    replacement = second.lines.get()
    assert (replacement.frequency, replacement.units, replacement.replaces_id) == ("7", 2, first.pk)
    first.refresh_from_db()
    assert first.superseded_by_id == replacement.pk
    text = second.claims_file.open("rb").read().decode()
    assert (
        f"CLM*{replacement.control_number}*12***99:B:7*Y*A*Y*Y~REF*F8*{first.control_number}~"
        in text
    )
    assert validate_837p(text) == []
    # Corrected to five minutes: no billable unit left, so the billed line is voided.
    encounter_correct(
        member=member_of(pat),
        encounter=encounter,
        expected_version=encounter.version,
        reason="A short call.",
        duration_minutes=5,
    )
    third = run(ada, payer())
    void, refused = sorted(third.lines.all(), key=lambda line: line.status)
    assert (void.frequency, void.status, void.replaces_id) == (
        Frequency.VOID,
        "billed",
        replacement.pk,
    )
    assert reasons(refused) == ["too_short"]
    assert validate_837p(third.claims_file.open("rb").read().decode()) == []
    assert third.billed_units == 0
    # Corrected back to an hour: billed again as a new original claim.
    encounter.refresh_from_db()
    encounter_correct(
        member=member_of(pat),
        encounter=encounter,
        expected_version=encounter.version,
        reason="It was an hour after all.",
        duration_minutes=60,
    )
    again = run(ada, payer()).lines.get()
    assert (again.frequency, again.units, again.replaces_id) == ("1", 4, None)
    void.refresh_from_db()
    assert void.superseded_by_id == again.pk
    assert ClaimLine.objects.filter(status="billed", superseded_by__isnull=True).count() == 1


def test_a_group_attendance_is_an_hq_line_at_the_group_rate(
    billing_settings, on_medicaid, goal, order, diagnosis, pat, ada, sam
):
    from beacon.groups import services as groups

    group = groups.group_create(
        member=member_of(pat),
        name="Circle",
        kind="all_recovery",
        weekdays=[DAY.weekday()],
        start_time=datetime.time(18, 0),
        duration_minutes=60,
        starts_on=DAY,
        facilitators=[pat],
    )
    groups.group_enroll(member=member_of(sam), group=group, participant=on_medicaid)
    session = group.sessions.get(starts_at__date=DAY)
    groups.attendance_record(
        member=member_of(pat), session=session, present=[str(on_medicaid.pk)], anonymous_count=11
    )
    # Virginia allows 10 per peer.
    (refused,) = run(ada, payer("virginia", authorization="none")).lines.all()
    assert reasons(refused) == ["group_too_large"]
    assert refused.reasons[0]["message"] == (
        "The group had 12 people for 1 peer; this payer allows at most 10 per peer."
    )
    made = run(ada, payer())
    (line,) = made.lines.all()
    # 12 people for one peer: within North Carolina's 12.
    assert (line.status, line.modifiers, line.charge, line.source_parent_id) == (
        "billed",
        ["HQ"],
        Decimal("10.00"),
        session.pk,
    )
    assert line.rendering_name == "Pat Peer"
    assert validate_837p(made.claims_file.open("rb").read().decode()) == []


def test_a_run_needs_settings_a_payer_and_a_period(ada, harbor):
    action = services.StartBillingRun(
        organization=harbor,
        payer=None,
        start=DAY,
        end=DAY - datetime.timedelta(1),
        member=member_of(ada),
    )
    problems = action.check()
    assert set(problems) == {"payer", "end", "__all__"}
    assert "billing settings" in problems["__all__"]


def test_peers_may_not_make_runs(billing_settings, pat, harbor):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.StartBillingRun(
            organization=harbor, payer=payer(), start=DAY, end=DAY, member=member_of(pat)
        ).check()
