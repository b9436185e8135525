"""Rule sets as data: the shipped examples, checks that name each wrong key, the NPI check
digit."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from beacon.billing.npi import npi_is_valid, validate_npi
from beacon.billing.rules import parse, standard_rule_set, standard_rule_sets


def test_beacon_ships_north_carolina_new_jersey_and_virginia():
    by_key = {s.key: s.rules for s in standard_rule_sets()}
    assert set(by_key) == {"north-carolina", "new-jersey", "virginia"}
    nc, nj, va = by_key["north-carolina"], by_key["new-jersey"], by_key["virginia"]
    assert (nc.group_size_max, nc.authorization, nc.authorization_after_units) == (
        12,
        "after_units",
        24,
    )
    assert nc.service_order_required and nc.year_starts == "07-01"
    assert (nj.individual_modifiers, nj.daily_unit_cap, nj.minimum_age) == (("HF",), 16, 18)
    assert (
        nj.diagnosis_required and nj.diagnosis_counts("F1120") and not nj.diagnosis_counts("Z590")
    )
    assert (va.authorization, va.group_size_max, va.daily_unit_cap, va.yearly_unit_cap) == (
        "always",
        10,
        16,
        3600,
    )
    assert {e.what for e in va.not_billable} == {"paperwork", "transport", "outreach"}


def test_a_rule_set_round_trips_through_its_dictionary():
    rules = standard_rule_set("virginia").rules
    assert parse(rules.as_dict()) == rules


def test_every_wrong_key_is_named():
    data = standard_rule_set("north-carolina").rules.as_dict()
    data.update(
        state="North Carolina",
        group_modifiers=["HQ", "toolong"],
        daily_unit_cap="many",
        year_starts="02-30",
        authorization_after_units=None,
        default_diagnosis="not a code",
        not_billable=[{"what": "lunch"}],
        place_of_service={"home": "twelve"},
    )
    with pytest.raises(ValidationError) as caught:
        parse(data)
    assert set(caught.value.message_dict) == {
        "state",
        "group_modifiers",
        "daily_unit_cap",
        "year_starts",
        "authorization_after_units",
        "default_diagnosis",
        "not_billable",
        "place_of_service",
    }


def test_the_cap_year_starts_where_the_rule_says():
    nc = standard_rule_set("north-carolina").rules
    assert nc.year_start(datetime.date(2026, 3, 1)) == datetime.date(2025, 7, 1)
    assert nc.year_start(datetime.date(2026, 7, 1)) == datetime.date(2026, 7, 1)


def test_telehealth_and_settings_have_their_place_of_service():
    nc = standard_rule_set("north-carolina").rules
    assert nc.place(setting="home", modality="in_person") == "12"
    assert nc.place(setting="home", modality="video") == "02"
    assert nc.place(setting="community", modality="in_person") == "99"


def test_the_npi_check_digit():
    assert npi_is_valid("1234567893")
    assert not npi_is_valid("1234567890")
    assert not npi_is_valid("123456789")
    with pytest.raises(ValidationError, match="last digit does not match"):
        validate_npi("1234567890")
    with pytest.raises(ValidationError, match="10 digits"):
        validate_npi("12345")
