"""The made-up people both the demo (beacon/ops/demo_caseload.py) and the seed
(beacon/ops/seed.py) draw from: given names, the names some go by, and the words of their
records: family names, recovery pathways, how encounters happen. One place, so the two never
drift apart.

(Seeded pseudo-random data, not security.)
"""

from __future__ import annotations

import random

FIRST = [
    "Alex", "Jamie", "Taylor", "Morgan", "Casey", "Jordan", "Avery", "Riley", "Quinn", "Dakota",
    "Maria", "Luis", "Keisha", "Tyrone", "Mei", "Arjun", "Fatima", "Dmitri", "Grace", "Samuel",
    "Rosa", "Marcus", "Aaliyah", "Ethan", "Hannah", "Andre", "Lucía", "Noah", "Imani", "Walter",
    "Tanya", "Joseph", "Priya", "Carlos", "Destiny", "Kevin", "Leah", "Omar", "Brianna", "Frank",
]  # fmt: skip
# The name some people go by, where a first name has a usual short form. Issue 15: the demo
# used the first three letters ("Fat" for Fatima, "Aal" for Aaliyah); a name nobody goes by.
NICKNAMES = {
    "Samuel": "Sam", "Joseph": "Joe", "Walter": "Walt", "Dmitri": "Dima", "Kevin": "Kev",
    "Brianna": "Bri", "Frank": "Frankie", "Tyrone": "Ty", "Andre": "Dre", "Lucía": "Lucy",
    "Rosa": "Rosie", "Grace": "Gracie", "Taylor": "Tay", "Jordan": "Jordy", "Luis": "Lucho",
    "Alex": "Lex", "Marcus": "Marc", "Maria": "Mari",
}  # fmt: skip
LAST = [
    "Garcia", "Johnson", "Nguyen", "Williams", "Brown", "Martinez", "Davis", "Lopez", "Wilson",
    "Anderson", "Thomas", "Jackson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker",
    "Young", "Allen", "King", "Wright", "Scott", "Torres", "Hill", "Green", "Adams", "Baker",
]  # fmt: skip
# The seed makes thousands of people: more family names, so fewer share one. The demo keeps
# LAST, so none of its made-up people shares a name with its planned duplicate pair (Rivera).
SEED_LAST = [
    *LAST, "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Phillips", "Evans", "Turner",
]  # fmt: skip
PATHWAYS = [
    "12_step", "smart", "recovery_dharma", "faith_based", "moud", "harm_reduction", "natural",
]  # fmt: skip
PRONOUNS = ["he/him", "she/her", "they/them", "", ""]
STAGES = ["contemplation", "preparation", "action", "action", "maintenance", "maintenance"]
SOURCES = ["ed", "jail", "self", "court", "treatment", "community", "family"]
INSURANCE = ["medicaid", "medicaid", "medicaid", "uninsured", "private", "medicare"]
NOTES = [
    "Talked through the week. Working on getting to meetings twice a week.",
    "Went together to the benefits office; application submitted.",
    "Checked in by phone. Feeling steadier; sleep is better.",
    "Discussed housing options; will visit the recovery residence on Friday.",
    "Met at the recovery center. Planning for the court date next month.",
    "Warm handoff from the ED. Person was open to meeting again this week.",
    "Practiced what to say at the job interview. Interview is Tuesday.",
    "Helped call the clinic to book a MOUD appointment.",
]
# An encounter's length (an attempt that reached no one: 5 minutes), how and where it happened.
MINUTES = [15, 20, 30, 45, 60]
MODALITIES = ["in_person", "in_person", "phone", "text", "video"]
SETTINGS = ["community", "recovery_center", "home", "online", "ed_hospital"]
TOPICS = [
    "housing", "employment", "benefits", "legal", "family", "health", "mental_health",
    "recovery_support", "transportation",
]  # fmt: skip


def preferred_name(rng: random.Random, given: str) -> str:
    """A quarter of people go by another name than their given one, where it has a usual
    short form; everyone else is called by their whole given name (blank)."""
    return rng.choice(["", "", "", NICKNAMES.get(given, "")])


# The consents people sign at intake: everyone the program's own (treatment, payment and
# operations), about a third one for their clinic, a year long.
TPO_CONSENT = {
    "kind": "tpo",
    "purpose": (
        "Peer recovery support: coordinating services, billing Medicaid and running the program."
    ),
    "information_description": "Enrollment, encounter notes and recovery plan.",
    "expiry_kind": "end_of_treatment",
}
CLINIC_CONSENT = {
    "kind": "specific_recipient",
    "purpose": "Coordinate medical care and MOUD appointments.",
    "information_description": "Attendance and referral information; no counseling notes.",
    "expiry_kind": "date",
}
CLINIC = {"name": "Mercy Community Health", "description": "Primary care clinic"}
CLINIC_CONSENT_DAYS = 365
CLINIC_CONSENT_SHARE = 0.35
