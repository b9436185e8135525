"""The statewide view: member organizations side by side and the total, suppressed, for network
viewers and platform admins only; a network viewer never reaches a participant's record."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from beacon.accounts.tests.factories import UserFactory
from beacon.audit.models import AuditEvent
from beacon.encounters.tests.factories import EncounterFactory
from beacon.participants.tests.factories import ParticipantFactory
from beacon.reports.models import Network, NetworkMember, NetworkViewer
from beacon.reports.selectors import Period, network_figures
from beacon.reports.suppression import SUPPRESSED

from .conftest import PERIOD, noon


@pytest.fixture
def network(harbor, lakeside):
    network = Network.objects.create(name="Test state network")
    NetworkMember.objects.create(network=network, organization=harbor)
    NetworkMember.objects.create(network=network, organization=lakeside)
    return network


@pytest.fixture
def nora(network):
    """A network viewer: no membership anywhere."""
    user = UserFactory(email="nora@state.test", name="Nora Network")
    NetworkViewer.objects.create(network=network, user=user)
    return user


@pytest.fixture
def lakeside_busy(lakeside, olive):
    """Lakeside: 12 people, each met twice in February (24 encounters of 30 minutes)."""
    people = [
        ParticipantFactory(
            organization=lakeside, created_by=olive, enrolled_on=datetime.date(2025, 1, 1)
        )
        for _ in range(12)
    ]
    for person in people:
        for day in ("2026-02-03", "2026-02-17"):
            EncounterFactory(participant=person, peer=olive, occurred_at=noon(day))
    return people


def column(figures, label):
    index = figures.columns.index(label)
    return [cells[index] for _name, cells in figures.rows], figures.total[index]


def test_figures_side_by_side_with_small_cells_and_their_complements_hidden(
    harbor, network, crafted, lakeside_busy
):
    figures = network_figures(network=network, period=PERIOD)
    assert [name for name, _cells in figures.rows] == [
        "Harbor Recovery Community",
        "Lakeside Recovery Center",
    ]
    # People served: Harbor 4 (small), Lakeside 12: both hidden (12 would give 4 back from
    # the total 16), the total shown.
    assert column(figures, "People served") == ([SUPPRESSED, SUPPRESSED], 16)
    # Encounters: Harbor 5, Lakeside 24: total 29.
    assert column(figures, "Encounters") == ([SUPPRESSED, SUPPRESSED], 29)
    # Hours: Harbor 220 min = 4 h (rounded), Lakeside 12 h.
    assert column(figures, "Hours of encounters") == ([SUPPRESSED, SUPPRESSED], 16)
    # Referrals: Harbor 3, Lakeside 0: the total would give Harbor's 3 back: hidden.
    assert column(figures, "Referrals made") == ([SUPPRESSED, 0], SUPPRESSED)
    # Community reached: Harbor 40 + 15 + 25 = 80, Lakeside 0: shown.
    assert column(figures, "People reached in the community") == ([80, 0], 80)
    assert figures.suppressed > 0


def test_a_network_viewer_sees_the_network_page_with_hidden_cells(
    client_for, nora, network, crafted, lakeside_busy
):
    response = client_for(nora).get(
        f"/reports/networks/{network.pk}/", {"start": "2026-01-01", "end": "2026-06-30"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Harbor Recovery Community" in html and "Lakeside Recovery Center" in html
    assert "fewer than 11, hidden" in html
    assert ">80<" in html
    # No participant's name, ever.
    assert "Avery" not in html and "Test" not in html.split("Test state network")[0][-50:]


def test_the_network_download_has_the_same_cells(client_for, nora, network, crafted):
    response = client_for(nora).get(
        f"/reports/networks/{network.pk}/figures.xlsx", {"start": "2026-01-01", "end": "2026-06-30"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = values[4]
    assert header[0] == "Organization" and header[1] == "People served"
    harbor_row = next(row for row in values if row[0] == "Harbor Recovery Community")
    assert harbor_row[1] == "<11"
    assert AuditEvent.objects.filter(action="report.exported").exists()


def test_a_network_viewer_of_another_network_gets_404(client_for, network, lakeside):
    other = Network.objects.create(name="Another funder")
    stranger = UserFactory(email="sol@funder.test")
    NetworkViewer.objects.create(network=other, user=stranger)
    client = client_for(stranger)
    assert client.get(f"/reports/networks/{network.pk}/").status_code == 404
    assert client.get(f"/reports/networks/{other.pk}/").status_code == 200
    assert (
        AuditEvent.objects.filter(action="access.refused", object_id=str(network.pk)).count() == 1
    )


def test_staff_without_a_network_are_refused(client_for, ada, network):
    client = client_for(ada)
    assert client.get("/reports/networks/").status_code == 403
    assert client.get(f"/reports/networks/{network.pk}/").status_code == 403


def test_a_platform_admin_sees_every_network(client_for, network):
    pia = UserFactory(email="pia@beacon.test", is_platform_admin=True)
    response = client_for(pia).get("/reports/networks/")
    assert response.status_code == 200
    assert "Test state network" in response.content.decode()


def test_a_network_viewer_never_reaches_a_participants_record(
    client, client_for, nora, crafted, jordan, api
):
    browser = client_for(nora)
    avery = crafted.people["A"]
    for url in (
        f"/participants/{avery.pk}/",
        f"/participants/{jordan.pk}/",
        f"/participants/{avery.pk}/timeline/",
        "/participants/",
        "/reports/outcomes/",
        "/reports/community/",
    ):
        assert browser.get(url).status_code in (403, 404), url
    # The API takes the session cookie too: no membership, no organization to act in.
    for url in (
        f"/api/v1/participants/{avery.pk}",
        "/api/v1/participants",
        "/api/v1/reports/outcomes",
    ):
        assert browser.get(url).status_code in (401, 403, 404), url
    # A list open to any signed-in caller answers with nothing in it.
    listed = browser.get("/api/v1/encounters")
    assert listed.status_code in (401, 403) or listed.json()["items"] == []
    # Their start page leads to the network.
    response = browser.get("/")
    assert response.status_code == 302 and response["Location"] == "/reports/"


def test_the_landing_page_lists_the_network_for_its_viewer(client_for, nora, network):
    html = client_for(nora).get("/reports/").content.decode()
    assert "Statewide view: Test state network" in html
    assert "/reports/outcomes/" not in html


def test_a_month_narrows_the_period(network, crafted):
    figures = network_figures(network=network, period=Period.month(2026, 2))
    # February: Harbor met A and B (2 people), 2 encounters; Lakeside nobody: 2 is small and
    # Lakeside's 0 cannot hide it, so the total goes.
    assert column(figures, "People served") == ([SUPPRESSED, 0], SUPPRESSED)
