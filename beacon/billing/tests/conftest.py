"""Billing fixtures: Harbor's billing settings (rates 6.00 one-on-one, 2.50 in a group), a rule
set to change per test, and helpers to log services a few days ago."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from beacon.billing import services
from beacon.billing.rules import parse, standard_rule_set
from beacon.encounters.services import encounter_log
from beacon.plans import services as plans
from conftest import member_of

SETTINGS = {
    "provider_name": "Harbor Recovery Community",
    "npi": "1234567893",
    "tax_id": "12-3456789",
    "taxonomy": "175T00000X",
    "address": "1 Harbor Way",
    "city": "Raleigh",
    "state": "NC",
    "zip_code": "27601-1234",
    "contact_name": "Ada Admin",
    "contact_phone": "9195550100",
    "submitter_id": "HARBOR01",
    "rate_individual": Decimal("6.00"),
    "rate_group": Decimal("2.50"),
    "production": False,
}

# A day in the past every test bills: ten days ago, at 10:00 local time.
DAY = timezone.localdate() - datetime.timedelta(days=10)


def at(hour: int, day: datetime.date = DAY) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


@pytest.fixture
def billing_settings(ada):
    return services.billing_settings_save(member=member_of(ada), values=dict(SETTINGS))


def rules(key="north-carolina", **changes):
    data = standard_rule_set(key).rules.as_dict()
    data.update(changes)
    return parse(data)


def payer(key="north-carolina", **changes):
    return services.Payer(rules(key, **changes), key=key)


@pytest.fixture
def on_medicaid(jordan):
    jordan.insurance = "medicaid"
    jordan.medicaid_id = "MC1001"
    jordan.date_of_birth = datetime.date(1988, 4, 2)
    jordan.save(update_fields=["insurance", "medicaid_id", "date_of_birth"])
    return jordan


@pytest.fixture
def goal(on_medicaid, pat):
    plan = plans.plan_create(member=member_of(pat), participant=on_medicaid, recovery_means="Work.")
    return plans.goal_add(
        member=member_of(pat), plan=plan, domain="home", area="housing", description="A home."
    )


def log(peer, participant, *, minutes=60, hour=10, day=DAY, goals=(), **fields):
    fields.setdefault("modality", "in_person")
    fields.setdefault("setting", "community")
    fields.setdefault("kind", "one_on_one")
    return encounter_log(
        member=member_of(peer),
        participant=participant,
        occurred_at=at(hour, day),
        duration_minutes=minutes,
        goals=goals,
        **fields,
    )


def run(user, payer_, start=DAY, end=DAY):
    from beacon.billing.services import StartBillingRun

    return StartBillingRun(
        organization=member_of(user).organization,
        payer=payer_,
        start=start,
        end=end,
        member=member_of(user),
    ).execute()
