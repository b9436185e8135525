"""The demo's caseloads: dozens of participants with months of encounters and consents.

(Seeded pseudo-random data, not security: ruff S311 does not apply.)

Everything goes through the services (units, follow-ups, audit trail all as in real use).
A fixed random seed makes every demo alike; dates are relative to today so My day has
follow-ups due, people not seen in a while and a recent crisis flag.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from beacon.consents.services import consent_record
from beacon.encounters.services import encounter_log
from beacon.ops.people import (
    CLINIC,
    CLINIC_CONSENT,
    CLINIC_CONSENT_DAYS,
    CLINIC_CONSENT_SHARE,
    FIRST,
    INSURANCE,
    LAST,
    MINUTES,
    MODALITIES,
    NOTES,
    PATHWAYS,
    PRONOUNS,
    SETTINGS,
    SOURCES,
    STAGES,
    TOPICS,
    TPO_CONSENT,
    preferred_name,
)
from beacon.organizations.models import Membership
from beacon.participants import services as participant_services


def _at(day: date, rng: random.Random) -> datetime:
    """Office hours on `day`; never later than now (the demo may start at midnight)."""
    moment = time(hour=rng.randint(9, 17), minute=rng.choice([0, 15, 30, 45]))
    when = timezone.make_aware(datetime.combine(day, moment))
    return min(when, timezone.now() - timedelta(minutes=5))


def _log(member, participant, day, rng, **overrides):
    kind = overrides.pop(
        "kind",
        rng.choices(["one_on_one", "check_in", "warm_handoff", "attempted"], weights=[5, 4, 1, 1])[
            0
        ],
    )
    values = {
        "occurred_at": _at(day, rng),
        "duration_minutes": 5 if kind == "attempted" else rng.choice(MINUTES),
        "modality": rng.choice(MODALITIES),
        "setting": rng.choice(SETTINGS),
        "kind": kind,
        "topics": rng.sample(TOPICS, k=rng.randint(1, 3)) if kind != "attempted" else [],
        "note": "" if kind == "attempted" else rng.choice(NOTES),
        "naloxone_provided": rng.random() < 0.08,
    }
    values.update(overrides)
    return encounter_log(member=member, participant=participant, **values)


def _consents(member, participant, enrolled: date, rng) -> None:
    signed = {"signed_name": participant.legal_name, "signed_on": enrolled}
    consent_record(member=member, participant=participant, **TPO_CONSENT, **signed)
    if rng.random() < CLINIC_CONSENT_SHARE:
        consent_record(
            member=member,
            participant=participant,
            **CLINIC_CONSENT,
            recipients=[CLINIC],
            expires_on=enrolled + timedelta(days=CLINIC_CONSENT_DAYS),
            **signed,
        )


def demo_caseload_create(
    organization, *, peers: list[Membership], supervisor: Membership, count: int, seed: int
) -> int:
    """Enroll `count` participants across `peers`, with history up to today."""
    rng = random.Random(seed)
    today = timezone.localdate()
    created = 0
    for i in range(count):
        peer = peers[i % len(peers)]
        enrolled = today - timedelta(days=rng.randint(14, 200))
        given, family = rng.choice(FIRST), rng.choice(LAST)
        participant = participant_services.participant_enroll(
            member=supervisor,
            primary_peer=peer.user,
            given_name=given,
            family_name=family,
            preferred_name=preferred_name(rng, given),
            pronouns=rng.choice(PRONOUNS),
            date_of_birth=date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28)),
            phone=f"555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            may_text=rng.random() < 0.7,
            may_leave_voicemail=rng.random() < 0.5,
            may_use_org_name=rng.random() < 0.6,
            pathways=rng.sample(PATHWAYS, k=rng.randint(1, 2)),
            stage_of_change=rng.choice(STAGES),
            insurance=rng.choice(INSURANCE),
            referral_source=rng.choice(SOURCES),
            enrolled_on=enrolled,
        )
        _consents(peer, participant, enrolled, rng)
        # Encounters every few days to two weeks; some people drift out of contact.
        last_day = today - timedelta(days=rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 35, 45]))
        day = enrolled
        logged = 0
        while day <= last_day:
            _log(peer, participant, day, rng)
            logged += 1
            day += timedelta(days=rng.randint(4, 14))
        follow_up = rng.choice([-6, -2, 0, 0, 1, 3, 7, 14])
        follow_on = max(last_day, today + timedelta(days=follow_up))
        _log(peer, participant, last_day, rng, kind="check_in", follow_up_on=follow_on)
        created += 1
        if i % 17 == 5:
            participant_services.participant_discharge(
                member=supervisor,
                participant=participant,
                discharged_on=today - timedelta(days=2),
                reason="goals_met",
                note="Celebrated six months; staying connected through the alumni group.",
            )
    return created


def demo_crisis_flag(member: Membership, participant) -> None:
    """One recent crisis encounter, so supervisors see a notification in the demo."""
    rng = random.Random(7)
    _log(
        member,
        participant,
        timezone.localdate() - timedelta(days=1),
        rng,
        kind="crisis_support",
        duration_minutes=50,
        setting="ed_hospital",
        modality="in_person",
        crisis_flag=True,
        naloxone_provided=True,
        note=(
            "Met in the ED after an overdose was reversed. Safety plan reviewed; "
            "follow up tomorrow."
        ),
        follow_up_on=timezone.localdate(),
    )
