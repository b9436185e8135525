"""The billing pages: runs, a run's refusals with where to fix them, downloads recorded,
settings, rule sets copied and changed, and what claims need about a participant."""

import datetime

import pytest
from django.urls import reverse

from beacon.audit.models import AuditEvent
from beacon.billing import services
from beacon.billing.models import BillingRun, BillingSettings, PayerRuleSet, ServiceOrder
from beacon.billing.tests.conftest import DAY, SETTINGS, log, payer, run
from conftest import member_of

pytestmark = pytest.mark.django_db


def test_peers_and_participants_may_not_open_billing(client_for, pat, riley):
    for user in (pat, riley):
        assert client_for(user).get(reverse("billing:runs")).status_code == 403


def test_a_supervisor_starts_a_run_and_sees_what_was_refused(
    client_for, billing_settings, jordan, pat, sam
):
    jordan.insurance = "medicaid"
    jordan.save(update_fields=["insurance"])
    encounter = log(pat, jordan, minutes=45)
    client = client_for(sam)
    page = client.get(reverse("billing:run_new"))
    assert "north-carolina" in page.content.decode()
    response = client.post(
        reverse("billing:run_new"),
        {"payer": "standard:north-carolina", "start": DAY.isoformat(), "end": DAY.isoformat()},
    )
    made = BillingRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("billing:run", args=[made.pk])
    html = client.get(response["Location"]).content.decode()
    assert "No Medicaid id on the participant&#x27;s record." in html
    assert reverse("participants:edit", args=[jordan.pk]) in html
    assert reverse("billing:participant", args=[jordan.pk]) in html
    assert reverse("encounters:detail", args=[encounter.pk]) in html
    assert "no file to send" in html
    # Reading the run's lines is a read of the participants' records.
    assert AuditEvent.objects.filter(
        action="participant.viewed", object_id=str(jordan.pk), details__seen="billing_run"
    ).exists()


def test_a_bad_period_is_refused_and_what_was_typed_kept(client_for, billing_settings, sam):
    response = client_for(sam).post(
        reverse("billing:run_new"),
        {"payer": "standard:virginia", "start": "2026-03-10", "end": "2026-03-01"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The last day comes before the first." in html
    assert 'value="2026-03-10"' in html


def test_downloads_are_recorded_and_others_get_404(
    client_for, billing_settings, on_medicaid, goal, pat, ada, sam, olive
):
    services.service_order_add(
        member=member_of(sam), participant=on_medicaid, signed_on=DAY, signed_by="Dr. Lee"
    )
    services.diagnosis_add(member=member_of(sam), participant=on_medicaid, code="F11.20")
    log(pat, on_medicaid, goals=[goal])
    made = run(ada, payer())
    response = client_for(sam).get(reverse("billing:run_csv", args=[made.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    body = b"".join(response.streaming_content).decode()
    assert "MC1001" in body
    assert AuditEvent.objects.filter(action="billing.file_downloaded", details__file="csv").exists()
    claims = client_for(ada).get(reverse("billing:run_claims", args=[made.pk]))
    assert b"".join(claims.streaming_content).startswith(b"ISA*00*")
    assert client_for(olive).get(reverse("billing:run", args=[made.pk])).status_code == 404
    assert client_for(olive).get(reverse("billing:run_csv", args=[made.pk])).status_code == 404


def test_an_admin_saves_settings_and_a_wrong_npi_is_named(client_for, ada, sam):
    url = reverse("billing:settings")
    data = {**SETTINGS, "npi": "1234567890", "production": ""}
    response = client_for(ada).post(url, data)
    assert response.status_code == 400
    assert "does not match the others" in response.content.decode()
    assert 'value="Harbor Recovery Community"' in response.content.decode()
    response = client_for(ada).post(url, {**data, "npi": "1234567893"})
    assert response.status_code == 302
    assert BillingSettings.objects.get().npi == "1234567893"
    assert client_for(sam).get(url).status_code == 403


def test_an_admin_copies_a_shipped_rule_set_and_changes_it(client_for, ada, sam):
    client = client_for(ada)
    form = client.get(reverse("billing:ruleset_new") + "?copy=new-jersey").content.decode()
    assert "New Jersey Medicaid: peer recovery support (H0038 HF) (our version)" in form
    data = {
        "name": "NJ, our contract",
        "state": "NJ",
        "payer_name": "New Jersey Medicaid",
        "payer_id": "NJ123",
        "receiver_id": "CLEARING1",
        "procedure_code": "H0038",
        "individual_modifiers": "HF",
        "group_modifiers": "HQ, HF",
        "units_rule": "recorded",
        "daily_unit_cap": "12",
        "year_starts": "07-01",
        "authorization": "none",
        "diagnosis_required": "on",
        "diagnosis_prefixes": "F10, F11",
        "plan_link_required": "on",
        "minimum_age": "18",
        "not_billable": ["outreach"],
        "place_of_service": "default=99\nhome=12",
        "is_active": "on",
    }
    response = client.post(reverse("billing:ruleset_new") + "?copy=new-jersey", data)
    assert response.status_code == 302
    ruleset = PayerRuleSet.objects.get()
    parsed = ruleset.parsed()
    assert (parsed.daily_unit_cap, parsed.group_modifiers, ruleset.based_on_key) == (
        12,
        ("HQ", "HF"),
        "new-jersey",
    )
    assert parsed.not_billable[0].modalities == ("outreach",)
    response = client.post(
        reverse("billing:ruleset_edit", args=[ruleset.pk]),
        {**data, "version": ruleset.version, "daily_unit_cap": "0"},
    )
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    assert (
        client_for(sam).get(reverse("billing:ruleset_edit", args=[ruleset.pk])).status_code == 403
    )
    # The organization's own rule set is a payer to choose.
    assert str(ruleset.pk) in client_for(sam).get(reverse("billing:run_new")).content.decode()


def test_what_claims_need_is_recorded_on_the_participant_page(client_for, jordan, sam, olive):
    url = reverse("billing:participant", args=[jordan.pk])
    client = client_for(sam)
    response = client.post(
        url,
        {
            "form": "order",
            "order-signed_on": DAY.isoformat(),
            "order-signed_by": "Dr. Ana Ortiz",
            "order-ends_on": (DAY - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "The order cannot end before it was signed." in response.content.decode()
    response = client.post(
        url, {"form": "order", "order-signed_on": DAY.isoformat(), "order-signed_by": "Dr. Ana"}
    )
    assert response.status_code == 302
    assert ServiceOrder.objects.get().signed_by == "Dr. Ana"
    response = client.post(url, {"form": "diagnosis", "diagnosis-code": "11F"})
    assert response.status_code == 400
    assert "ICD-10-CM" in response.content.decode()
    assert client.post(url, {"form": "diagnosis", "diagnosis-code": "f11.20"}).status_code == 302
    assert "F11.20" in client.get(url).content.decode()
    assert client_for(olive).get(url).status_code == 404


def test_a_diagnosis_that_no_longer_applies_is_ended_not_deleted(client_for, jordan, casey, sam):
    from beacon.billing.models import Diagnosis

    kept = services.diagnosis_add(member=member_of(sam), participant=jordan, code="F10.20")
    other = services.diagnosis_add(member=member_of(sam), participant=casey, code="F11.20")
    url = reverse("billing:participant", args=[jordan.pk])
    client = client_for(sam)
    # A diagnosis of someone else, named on this participant's page: 404.
    assert client.post(url, {"form": "end_diagnosis", "diagnosis": other.pk}).status_code == 404
    assert client.post(url, {"form": "end_diagnosis", "diagnosis": kept.pk}).status_code == 302
    kept.refresh_from_db()
    assert kept.ended_on is not None
    assert Diagnosis.objects.filter(pk=other.pk, ended_on__isnull=True).exists()
