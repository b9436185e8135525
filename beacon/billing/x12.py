"""The 837P professional claim, X12 005010X222A1, written segment by segment.

No well-kept Python library writes 837P files (pyx12, which the tests use to validate what is
written here, reads and checks them), so this is a small writer: `Segments` joins elements
with the standard delimiters and keeps the transaction's segment count; `claims_837p()` lays
out the loops the implementation guide asks for (DOMAIN.md, "Funders and billing"):

  ISA/GS/ST/BHT     the interchange, the functional group, the transaction
  1000A, 1000B      submitter (the organization) and receiver (the payer or clearinghouse)
  2000A, 2010AA     billing provider: PRV taxonomy, NM1*85 with the NPI, N3/N4, REF*EI
  2000B, 2010BA/BB  subscriber (the participant, who is the patient): SBR, NM1*IL with the
                    Medicaid id, DMG; the payer NM1*PR
  2300              a claim per service: CLM (control number, charge, place of service and
                    frequency 1, 7 or 8), REF*F8 for a replacement or void, HI diagnoses
  2400              its service line: LX, SV1 HC:H0038[:HQ][:HF], UN units, DTP*472
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

ELEMENT = "*"
COMPONENT = ":"
REPETITION = "^"
TERMINATOR = "~"
# Characters a value must never carry: the delimiters, and what X12's basic and extended
# character sets leave out.
_UNSAFE = re.compile(r"[*:^~\r\n\t]|[^\x20-\x7e]")


def clean(value: object) -> str:
    return _UNSAFE.sub(" ", str(value if value is not None else "")).strip()


def amount(value: Decimal) -> str:
    """X12's decimal (R): no trailing zeros, no trailing point."""
    text = f"{Decimal(value).quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class Segments:
    def __init__(self):
        self.lines: list[str] = []

    def add(self, tag: str, *elements: object) -> None:
        values = [e if isinstance(e, Composite) else clean(e) for e in elements]
        while values and values[-1] == "":  # trailing empty elements are left off
            values.pop()
        self.lines.append(ELEMENT.join([tag, *(str(v) for v in values)]))

    def __len__(self):
        return len(self.lines)


class Composite(str):
    """A composite element (components joined by ':'), each part cleaned."""

    def __new__(cls, *parts: object):
        values = [clean(p) for p in parts]
        while values and values[-1] == "":
            values.pop()
        return super().__new__(cls, COMPONENT.join(values))


@dataclass(frozen=True)
class Provider:
    name: str
    npi: str
    tax_id: str
    taxonomy: str
    address: str
    city: str
    state: str
    zip_code: str
    contact_name: str
    contact_phone: str
    submitter_id: str


@dataclass(frozen=True)
class Claim:
    control_number: str
    frequency: str  # 1 original, 7 replacement, 8 void
    original_control_number: str  # for 7 and 8
    charge: Decimal
    place_of_service: str
    diagnoses: tuple[str, ...]
    procedure_code: str
    modifiers: tuple[str, ...]
    units: int
    service_date: datetime.date


@dataclass(frozen=True)
class Subscriber:
    medicaid_id: str
    family_name: str
    given_name: str
    date_of_birth: datetime.date | None
    claims: tuple[Claim, ...] = field(default=())


@dataclass(frozen=True)
class Interchange:
    sender_id: str
    receiver_id: str
    payer_name: str
    payer_id: str
    control_number: int
    created_at: datetime.datetime
    production: bool
    reference: str  # BHT03, the originator's reference for this transaction


# The implementation guide allows 100 claims (2300) under one subscriber (2000B).
CLAIMS_PER_SUBSCRIBER_LOOP = 100


def claims_837p(
    *, interchange: Interchange, provider: Provider, subscribers: Iterable[Subscriber]
) -> str:
    """The whole file: one interchange, one functional group, one transaction."""
    when = interchange.created_at
    number = f"{interchange.control_number % 1_000_000_000:09d}"
    # ISA is fixed width, and its own elements name the delimiters: written out as it is.
    isa = ELEMENT.join(
        [
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            "ZZ",
            clean(interchange.sender_id)[:15].ljust(15),
            "ZZ",
            clean(interchange.receiver_id)[:15].ljust(15),
            when.strftime("%y%m%d"),
            when.strftime("%H%M"),
            REPETITION,
            "00501",
            number,
            "0",
            "P" if interchange.production else "T",
            COMPONENT,
        ]
    )
    envelope = Segments()
    envelope.lines.append(isa)
    group_number = str(interchange.control_number % 1_000_000_000)
    envelope.add(
        "GS",
        "HC",
        interchange.sender_id,
        interchange.receiver_id,
        when.strftime("%Y%m%d"),
        when.strftime("%H%M"),
        group_number,
        "X",
        "005010X222A1",
    )

    st = Segments()
    st.add("ST", "837", "0001", "005010X222A1")
    st.add(
        "BHT",
        "0019",
        "00",
        interchange.reference,
        when.strftime("%Y%m%d"),
        when.strftime("%H%M"),
        "CH",
    )
    # 1000A submitter, 1000B receiver.
    st.add("NM1", "41", "2", provider.name, "", "", "", "", "46", provider.submitter_id)
    st.add("PER", "IC", provider.contact_name, "TE", provider.contact_phone)
    st.add("NM1", "40", "2", interchange.payer_name, "", "", "", "", "46", interchange.receiver_id)
    # 2000A billing provider.
    st.add("HL", "1", "", "20", "1")
    st.add("PRV", "BI", "PXC", provider.taxonomy)
    st.add("NM1", "85", "2", provider.name, "", "", "", "", "XX", provider.npi)
    st.add("N3", provider.address)
    st.add("N4", provider.city, provider.state, provider.zip_code.replace("-", ""))
    st.add("REF", "EI", provider.tax_id.replace("-", ""))
    hl = 1
    for subscriber in subscribers:
        claims = list(subscriber.claims)
        for start in range(0, len(claims), CLAIMS_PER_SUBSCRIBER_LOOP):
            hl += 1
            _subscriber(st, hl, subscriber, interchange)
            for claim in claims[start : start + CLAIMS_PER_SUBSCRIBER_LOOP]:
                _claim(st, claim)
    st.add("SE", str(len(st) + 1), "0001")

    trailer = Segments()
    trailer.add("GE", "1", group_number)
    trailer.add("IEA", "1", number)
    return TERMINATOR.join([*envelope.lines, *st.lines, *trailer.lines]) + TERMINATOR + "\n"


def _subscriber(st: Segments, hl: int, subscriber: Subscriber, interchange: Interchange) -> None:
    # The participant is the subscriber and the patient: no child loop (HL04 0).
    st.add("HL", str(hl), "1", "22", "0")
    st.add("SBR", "P", "18", "", "", "", "", "", "", "MC")
    st.add(
        "NM1",
        "IL",
        "1",
        subscriber.family_name or subscriber.given_name,
        subscriber.given_name if subscriber.family_name else "",
        "",
        "",
        "",
        "MI",
        subscriber.medicaid_id,
    )
    if subscriber.date_of_birth:
        st.add("DMG", "D8", subscriber.date_of_birth.strftime("%Y%m%d"), "U")
    st.add("NM1", "PR", "2", interchange.payer_name, "", "", "", "", "PI", interchange.payer_id)


def _claim(st: Segments, claim: Claim) -> None:
    st.add(
        "CLM",
        claim.control_number,
        amount(claim.charge),
        "",
        "",
        Composite(claim.place_of_service, "B", claim.frequency),
        "Y",
        "A",
        "Y",
        "Y",
    )
    if claim.frequency in ("7", "8"):
        st.add("REF", "F8", claim.original_control_number)
    codes = [
        Composite("ABK" if i == 0 else "ABF", code) for i, code in enumerate(claim.diagnoses[:12])
    ]
    st.add("HI", *codes)
    st.add("LX", "1")
    st.add(
        "SV1",
        Composite("HC", claim.procedure_code, *claim.modifiers[:4]),
        amount(claim.charge),
        "UN",
        str(claim.units),
        "",
        "",
        Composite(*[str(i + 1) for i in range(min(len(claim.diagnoses), 4))]),
    )
    st.add("DTP", "472", "D8", claim.service_date.strftime("%Y%m%d"))
