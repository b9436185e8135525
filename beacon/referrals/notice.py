"""The notice that accompanies every disclosure made with consent under 42 CFR Part 2.

Statement 1 of 42 CFR 2.32(a)(1) as revised by the 2024 final rule (89 FR 12472, compliance by
2026-02-16), word for word: it is a legal text, so it is not translated. Section 2.32(b) also
asks for a copy of the consent or a clear explanation of its scope; Beacon adds the consent's
scope after the notice (see `notice_for`).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.formats import date_format

PART2_NOTICE = (
    "This record which has been disclosed to you is protected by Federal confidentiality rules "
    "(42 CFR part 2). These rules prohibit you from using or disclosing this record, or "
    "testimony that describes the information contained in this record, in any civil, "
    "criminal, administrative, or legislative proceedings by any Federal, State, or local "
    "authority, against the patient, unless authorized by the consent of the patient, except as "
    "provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or "
    "2.65. In addition, the Federal rules prohibit you from making any other use or disclosure "
    "of this record unless at least one of the following applies:\n"
    "(i) Further use or disclosure is expressly permitted by the written consent of the "
    "individual whose information is being disclosed in this record or as otherwise permitted "
    "by 42 CFR part 2.\n"
    "(ii) You are a covered entity or business associate and have received the record for "
    "treatment, payment, or health care operations, or\n"
    "(iii) You have received the record from a covered entity or business associate as "
    "permitted by 45 CFR part 164, subparts A and E.\n"
    "A general authorization for the release of medical or other information is NOT sufficient "
    "to meet the required elements of written consent to further use or redisclose the record "
    "(see 42 CFR 2.31)."
)


def notice_for(consent) -> str:
    """The notice as sent: statement 1, then the scope of the consent it was disclosed under
    (2.32(b))."""
    if consent is None:
        return PART2_NOTICE
    scope = (
        f"Scope of the consent (signed {_day(consent.signed_on)} by {consent.signed_name}): "
        f"information: {consent.information_description.strip().rstrip('.')}; "
        f"purpose: {consent.purpose.strip().rstrip('.')}; "
        f"expires: {_expiry(consent)}."
    )
    return f"{PART2_NOTICE}\n\n{scope}"


def _day(day) -> str:
    # Beacon's one date format ("Dec 7, 2026"), in English like the legal text it sits in.
    with translation.override("en"):
        return date_format(day)


def _expiry(consent) -> str:
    if consent.expiry_kind == "date" and consent.expires_on:
        return _day(consent.expires_on)
    if consent.expiry_kind == "event" and consent.expiry_event:
        return consent.expiry_event
    if consent.expiry_kind == "end_of_treatment":
        return "at the end of services"
    return "when revoked"
