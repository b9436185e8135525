"""The demo's Medicaid claims (issue 20): Harbor's billing settings, its copy of the North
Carolina rule set, Medicaid ids, diagnoses and service orders for its Medicaid participants
(a few left without, as in real life), and a billing run for last month to look at, with some
lines not billed and their reasons. Everything goes through the services. (Seeded
pseudo-random data, not security.)
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from beacon.billing import services
from beacon.billing.models import BillingRun
from beacon.billing.rules import parse, standard_rule_set
from beacon.organizations.models import Membership
from beacon.participants.models import Insurance, Participant
from beacon.participants.services import participant_update

DIAGNOSES = [
    ("F11.20", "Opioid use disorder, moderate or severe"),
    ("F10.20", "Alcohol use disorder, moderate or severe"),
    ("F15.20", "Stimulant use disorder, moderate or severe"),
    ("F12.20", "Cannabis use disorder, moderate or severe"),
]


def demo_billing_create(*, admin: Membership, supervisor: Membership, seed: int = 20) -> BillingRun:
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    organization = admin.organization
    services.billing_settings_save(
        member=admin,
        values={
            "provider_name": organization.name,
            "npi": "1234567893",
            "tax_id": "56-1234567",
            "taxonomy": "175T00000X",
            "address": "12 Harbor Street",
            "city": "Raleigh",
            "state": "NC",
            "zip_code": "27601-1234",
            "contact_name": admin.user.name,
            "contact_phone": "9195550142",
            "submitter_id": "HARBORRCO",
            "rate_individual": Decimal("6.13"),
            "rate_group": Decimal("2.45"),
            "production": False,
        },
    )
    rules = {
        **standard_rule_set("north-carolina").rules.as_dict(),
        "name": "North Carolina Medicaid (Harbor's contract)",
        "source": (
            "Copied from Beacon's North Carolina example. Harbor's contract checks the link to "
            "the recovery plan at chart review, so runs do not."
        ),
        "plan_link_required": False,
    }
    ruleset = services.ruleset_create(member=admin, rules=rules, based_on_key="north-carolina")

    medicaid = list(
        Participant.objects.current()
        .filter(organization=organization, insurance=Insurance.MEDICAID)
        .order_by("record_number")
    )
    today = timezone.localdate()
    for index, person in enumerate(medicaid):
        # One in nine has no Medicaid id on the record yet: their services are refused.
        if index % 9 != 4:
            participant_update(
                member=supervisor,
                participant=person,
                expected_version=person.version,
                medicaid_id=f"NC{900000000 + rng.randint(1, 99_999_999)}",
            )
        # One in seven has no diagnosis recorded; one in eight no service order.
        if index % 7 != 2:
            code, words = rng.choice(DIAGNOSES)
            services.diagnosis_add(
                member=supervisor, participant=person, code=code, description=words
            )
        if index % 8 != 3:
            services.service_order_add(
                member=supervisor,
                participant=person,
                signed_on=min(person.enrolled_on, today - datetime.timedelta(days=60)),
                signed_by=rng.choice(["Dr. Ana Ortiz, MD", "Lee Park, LCSW", "Dr. Sam Reid, DO"]),
            )
        if index % 5 == 0:
            services.authorization_add(
                member=supervisor,
                participant=person,
                number=f"PA-{rng.randint(100000, 999999)}",
                starts_on=today - datetime.timedelta(days=120),
                ends_on=today + datetime.timedelta(days=60),
            )
    first_this_month = today.replace(day=1)
    end = first_this_month - datetime.timedelta(days=1)
    return services.StartBillingRun(
        organization=organization,
        payer=services.Payer(parse(ruleset.rules), ruleset=ruleset),
        start=end.replace(day=1),
        end=end,
        member=admin,
    ).execute()
