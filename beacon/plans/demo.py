"""The demo's recovery plans and wellness plans, written through the services (versions and
audit trail as in real use). Seeded pseudo-random data, not security: ruff S311 does not apply.

Dates are relative to today and never in the future: plans start soon after enrolment, so those
started more than the review interval ago without a review show up as due on My day.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from beacon.organizations.models import Membership
from beacon.participants.models import CaseloadAssignment, CaseloadRole, Participant
from beacon.plans import services
from beacon.plans.models import RecoveryPlan

MEANINGS = [
    "Recovery means waking up and knowing what my day is for. Being someone my kids can call.",
    "Having my own place with my name on the lease, and not being scared of the phone ringing.",
    "Being honest with myself, one day at a time, and staying on my medication.",
    "Getting back to work with my hands, and having people around who know my story.",
    "Peace. Sleeping through the night. Going to church with my mom again.",
    "Not having to hide anymore. Feeling good in my body and paying my own bills.",
]
STRENGTHS = [
    "Stubborn in a good way. Good with people. Cooks for everyone.",
    "Has a sponsor and two friends in recovery; knows the bus system inside out.",
    "Finished a GED in 2019; strong faith; loves their dog.",
    "Honest about what is hard; shows up; makes people laugh.",
]
NEEDS = [
    "Stable housing, a phone that works, an ID.",
    "A job with regular hours; childcare on Tuesdays.",
    "A primary care doctor; help with the Medicaid renewal.",
    "Rides to the clinic; a quiet place to study.",
]
BARRIERS = [
    "An old warrant in another county; no car.",
    "Waiting list for housing; the neighborhood is hard.",
    "Evenings alone are the hardest; money runs out mid-month.",
    "Past experience with programs that did not listen.",
]
GOALS = [
    (
        "home",
        "housing",
        "Move into my own apartment before winter.",
        "Call the housing authority",
        "Apply for the voucher",
    ),
    (
        "purpose",
        "employment",
        "Get a job I am proud of, with regular hours.",
        "Update my résumé with Pat",
        "Go to the job fair at the library",
    ),
    (
        "health",
        "physical_health",
        "Find a doctor I trust and go to my appointments.",
        "Pick a clinic from the list",
        "Book the first visit",
    ),
    (
        "health",
        "mental_health",
        "Sleep better and feel less anxious at night.",
        "Try the breathing app for a week",
        "Ask the clinic about counseling",
    ),
    (
        "community",
        "family",
        "Rebuild things with my daughter.",
        "Write her a letter",
        "Ask about supervised visits",
    ),
    (
        "community",
        "recreation",
        "Do something fun every week that is not about using.",
        "Join the Saturday walking group",
        "Go to the open mic at the recovery center",
    ),
    (
        "purpose",
        "education",
        "Start the community college course in the spring.",
        "Fill in the FAFSA",
        "Visit the campus with a peer",
    ),
    (
        "home",
        "finances",
        "Make my money last the whole month.",
        "Open a bank account",
        "Make a simple budget together",
    ),
    (
        "community",
        "spirituality",
        "Find a community where I feel I belong.",
        "Visit two meetings or services",
        "Talk with the chaplain",
    ),
    (
        "home",
        "transportation",
        "Get my driver's license back.",
        "Find out what the DMV needs",
        "Pay the first fine",
    ),
]
NOTES = [
    "Called the office twice; got a call back and an appointment.",
    "Feeling more hopeful. Said the steps felt doable.",
    "Set back by a hard week, picked it up again on Monday.",
    "Did it! Celebrated together.",
]
TRIGGERS = "Payday. Running into old friends downtown. Arguments with family. Being alone at night."
SIGNS = "I stop answering the phone. I skip meals. I start thinking “just once won't matter”."
COPING = "Call my sponsor. Walk the dog around the park. Go to the 7 pm meeting. Write it down."
PLACES = "The recovery center (open until 9). My sister's house. The library."
REASONS = "My kids. My health. Proving to myself that I can."
CRISIS_HELP = "Stay with me, talk calmly, remind me of my reasons. Please do not lecture me."


def _member_for(participant, memberships: dict) -> Membership | None:
    assignment = (
        CaseloadAssignment.objects.filter(
            participant=participant, ended_at__isnull=True, role=CaseloadRole.PRIMARY
        )
        .order_by("-started_at")
        .first()
    )
    return memberships.get(assignment.peer_id) if assignment else None


def demo_plans_create(organization, *, seed: int) -> int:
    """Give most active participants of `organization` a recovery plan with 2-4 goals across
    the dimensions, steps and progress notes; review some (leaving others due or overdue), and
    write wellness plans for some. Returns how many plans were made."""
    rng = random.Random(seed)  # noqa: S311 - seeded demo data, not security
    today = timezone.localdate()
    memberships = {
        m.user_id: m
        for m in Membership.objects.filter(
            organization=organization, is_active=True
        ).select_related("organization", "user")
    }
    participants = (
        organization.participants.current()
        # The demo participant's own plan is written first (demo_own_plan_create).
        .filter(discharged_on__isnull=True, recovery_plan__isnull=True)
        .order_by("record_number")
    )
    made = 0
    for index, participant in enumerate(participants):
        member = _member_for(participant, memberships)
        if member is None or index % 6 == 5:  # some people have not written a plan yet
            continue
        # Soon after enrolment; never in the future.
        started_on = min(today, participant.enrolled_on + timedelta(days=rng.randint(3, 10)))
        plan = services.plan_create(
            member=member,
            participant=participant,
            recovery_means=rng.choice(MEANINGS),
            strengths=rng.choice(STRENGTHS),
            needs=rng.choice(NEEDS),
            barriers=rng.choice(BARRIERS),
            started_on=started_on,
        )
        made += 1
        for domain, area, words, first, second in rng.sample(GOALS, k=rng.randint(2, 4)):
            status = rng.choice(["not_started", "in_progress", "in_progress", "achieved"])
            goal = services.goal_add(
                member=member,
                plan=plan,
                domain=domain,
                area=area,
                description=words,
                status=status,
                target_date=today + timedelta(days=rng.choice([30, 60, 90, 120])),
            )
            for what, who in ((first, participant.display_name), (second, "")):
                step = services.step_add(
                    member=member,
                    goal=goal,
                    what=what,
                    who=who or f"{participant.display_name} with {member.user.name}",
                    due_on=today + timedelta(days=rng.randint(-10, 30)),
                )
                if status == "achieved" or rng.random() < 0.4:
                    services.step_update(
                        member=member, step=step, done_on=_between(started_on, today, rng)
                    )
            if status != "not_started":
                services.progress_note_add(
                    member=member,
                    goal=goal,
                    text=rng.choice(NOTES),
                    noted_on=_between(started_on, today, rng),
                )
        interval = organization.plan_review_interval_days
        # Reviewed once where a review fell due and most of the time (some stay overdue).
        if (today - started_on).days > interval and rng.random() < 0.6:
            reviewed_on = started_on + timedelta(days=interval + rng.randint(-5, 10))
            reviewed_on = min(reviewed_on, today)
            services.plan_review(
                member=member,
                plan=plan,
                what_changed="Went through every goal together; moved the target dates.",
                participant_agreement_name=participant.legal_name,
                participant_agreement_on=reviewed_on,
                reviewed_on=reviewed_on,
            )
        if index % 3 != 2:
            services.wellness_plan_save(
                member=member,
                participant=participant,
                triggers=TRIGGERS,
                warning_signs=SIGNS,
                coping_strategies=COPING,
                people_to_call=[
                    {"name": "Sponsor (Dee)", "phone": f"555-{rng.randint(100, 999)}-0142"},
                    {"name": member.user.name, "phone": "555-0100"},
                ],
                safe_places=PLACES,
                reasons_for_recovery=REASONS,
                crisis_help=CRISIS_HELP,
            )
    return made


def _between(start: date, end: date, rng: random.Random) -> date:
    if end <= start:
        return end
    return start + timedelta(days=rng.randint(0, (end - start).days))


def demo_own_plan_create(
    *, peer: Membership, participant: Participant, participant_member: Membership
) -> RecoveryPlan:
    """The demo participant's own plan (participant@harbor.demo, Riley Shore): written with
    their peer, three goals with steps (some done), a wellness plan, and a few things they did
    themselves from their phone (a step ticked, a note, a suggestion) for Pat's My day."""
    today = timezone.localdate()
    plan = services.plan_create(
        member=peer,
        participant=participant,
        recovery_means=(
            "Waking up and knowing what my day is for. Being someone my sister can count on, "
            "and having a place that is mine."
        ),
        strengths="I show up. I am good with my hands. My sister and my sponsor believe in me.",
        needs="A steady job, my own place, a primary care doctor.",
        barriers="Evenings alone are the hardest. No car.",
        started_on=min(today, participant.enrolled_on + timedelta(days=5)),
    )
    goals = [
        (
            "health",
            "physical_health",
            "See a doctor regularly and keep taking my medication.",
            [("Book a check-up at Mercy Community Health", True), ("Refill my prescription", True)],
        ),
        (
            "home",
            "housing",
            "Move into my own apartment before winter.",
            [("Fill in the Bayside housing application", True), ("Visit two apartments", False)],
        ),
        (
            "community",
            "recreation",
            "Have people around me who know my story.",
            [("Go to the Tuesday evening group", False), ("Call my sponsor twice a week", False)],
        ),
    ]
    ticked = None
    for domain, area, words, steps in goals:
        goal = services.goal_add(
            member=peer,
            plan=plan,
            domain=domain,
            area=area,
            description=words,
            status="in_progress",
            target_date=today + timedelta(days=90),
        )
        for what, done in steps:
            step = services.step_add(
                member=peer,
                goal=goal,
                what=what,
                who=participant.display_name,
                due_on=today + timedelta(days=21),
            )
            if done:
                services.step_update(
                    member=peer, step=step, done_on=today - timedelta(days=_days_ago(what))
                )
            elif ticked is None:
                ticked = step
        services.progress_note_add(
            member=peer,
            goal=goal,
            text="Talked it through together; on track.",
            noted_on=today - timedelta(days=14),
        )
    services.wellness_plan_save(
        member=peer,
        participant=participant,
        triggers=TRIGGERS,
        warning_signs=SIGNS,
        coping_strategies=COPING,
        people_to_call=[
            {"name": "My sister (Jo)", "phone": "555-0177"},
            {"name": peer.user.name, "phone": "555-0100"},
        ],
        safe_places=PLACES,
        reasons_for_recovery=REASONS,
        crisis_help=CRISIS_HELP,
    )
    # What Riley did from their own phone, waiting on Pat's My day.
    services.own_step_done(member=participant_member, step=ticked, done=True)
    services.own_progress_note_add(
        member=participant_member,
        goal=ticked.goal,
        text="Saw the first apartment on Elm Street. Small but sunny.",
    )
    services.own_suggestion_add(
        member=participant_member,
        plan=plan,
        text="Could we add a goal about getting my driver's license back?",
    )
    return plan


def _days_ago(what: str) -> int:
    """A fixed "some days ago" per step, so the demo is the same every time."""
    return 3 + len(what) % 20
