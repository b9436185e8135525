"""An organization's public page in its settings (issue 18, docs/public-site.md): its address
(slug), whether it is published, and what it shows."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from beacon.audit.models import AuditEvent
from beacon.organizations.forms import OrganizationSettingsForm
from beacon.organizations.models import Organization
from beacon.organizations.services import organization_create
from beacon.organizations.slugs import slug_from_name


def _settings(organization: Organization, **changes) -> dict:
    """The settings form as the page sends it, with `changes`."""
    data = {}
    for name, value in model_to_dict(organization, OrganizationSettingsForm._meta.fields).items():
        if isinstance(value, bool):
            value = "on" if value else ""
        data[name] = "" if value is None else value
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("name", "taken", "slug"),
    [
        ("Harbor Recovery Community", set(), "harbor-recovery-community"),
        ("Harbor Recovery Community", {"harbor-recovery-community"}, "harbor-recovery-community-2"),
        (
            "Harbor Recovery Community",
            {"harbor-recovery-community", "harbor-recovery-community-2"},
            "harbor-recovery-community-3",
        ),
        ("Café Esperanza -- Peer  Support!", set(), "cafe-esperanza-peer-support"),
        ("Recovery_Hub of the 2nd District", set(), "recovery-hub-of-the-2nd-district"),
        ("康复中心", set(), "organization"),
        ("康复中心", {"organization"}, "organization-2"),
    ],
)
def test_a_slug_from_a_name(name, taken, slug):
    assert slug_from_name(name, taken) == slug


def test_a_long_name_makes_a_slug_that_fits_with_room_for_a_number():
    slug = slug_from_name("Recovery " * 20, set())
    assert len(slug) <= 56 and not slug.endswith("-")


def test_a_new_organization_gets_its_own_address_unpublished(ada):
    first = organization_create(name="Harbor Recovery Community", actor=ada)
    second = organization_create(name="Harbor Recovery Community", actor=ada)
    # The conftest's Harbor (made by the factory, the same rule) has the plain one.
    assert (first.slug, second.slug) == (
        "harbor-recovery-community-2",
        "harbor-recovery-community-3",
    )
    assert not first.public_page_published
    created = AuditEvent.objects.filter(action="organization.created", object_id=str(second.pk))
    assert created.get().details["slug"] == "harbor-recovery-community-3"


def test_the_admin_publishes_the_page_and_it_is_audited(client_for, ada, harbor, client):
    assert client.get(f"/o/{harbor.slug}/").status_code == 404  # off by default
    page = client_for(ada).get(reverse("organizations:settings")).content.decode()
    assert "Your public page" in page and "See your public page" not in page
    response = client_for(ada).post(
        reverse("organizations:settings"),
        _settings(
            harbor,
            slug=" Harbor-RCO ",  # lowercased and trimmed, as meant
            public_page_published="on",
            phone="508-555-0142",
            public_description="Peer support, any pathway.",
            public_hours="Weekdays 9 to 5",
            address="12 Harbor Street, Worcester",
            website="harbor.example.org",
        ),
    )
    assert response.status_code == 302, response.content.decode()
    harbor.refresh_from_db()
    assert harbor.slug == "harbor-rco" and harbor.public_page_published
    assert harbor.website == "https://harbor.example.org"
    event = AuditEvent.objects.get(action="organization.settings_changed")
    assert event.details["slug"] == {"old": "harbor-recovery-community", "new": "harbor-rco"}
    assert event.details["public_page_published"] == {"old": False, "new": True}
    html = client.get("/o/harbor-rco/").content.decode()
    assert "Peer support, any pathway." in html and "Weekdays 9 to 5" in html
    assert client.get("/o/harbor-recovery-community/").status_code == 404
    page = client_for(ada).get(reverse("organizations:settings")).content.decode()
    assert 'href="/o/harbor-rco/">See your public page</a>' in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slug": "harbor recovery!"}, "slug", "Use lowercase letters (a to z), numbers"),
        ({"slug": "-harbor"}, "slug", "single hyphens between them"),
        ({"slug": "harbor--rco"}, "slug", "single hyphens between them"),
        ({"slug": ""}, "slug", "This field is required."),
        ({"slug": "lakeside-recovery-center"}, "slug", "Another organization already uses"),
        ({"website": "javascript:alert(1)"}, "website", "Enter a valid URL."),
        ({"website": "ftp://harbor.example.org/"}, "website", "Enter a valid URL."),
        (
            {"public_page_published": "on", "phone": "", "address": "", "website": ""},
            "public_page_published",
            "needs at least one way to reach you",
        ),
        ({"public_description": "x" * 2001}, "public_description", "at most 2000 characters"),
    ],
)
def test_public_page_settings_are_checked_and_what_was_typed_stays(
    client_for, ada, harbor, lakeside, changes, field, message
):
    data = _settings(harbor, **{"public_description": "Kept as typed.", **changes})
    response = client_for(ada).post(reverse("organizations:settings"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field]), form.errors
    html = response.content.decode()
    if field != "public_description":
        assert "Kept as typed." in html
    harbor.refresh_from_db()
    assert harbor.slug == "harbor-recovery-community" and not harbor.public_page_published


def test_a_bad_slug_typed_does_not_break_the_link_to_the_published_page(client_for, ada, harbor):
    Organization.objects.filter(pk=harbor.pk).update(public_page_published=True, phone="1")
    response = client_for(ada).post(
        reverse("organizations:settings"), _settings(harbor, slug="not a slug!", phone="1")
    )
    assert response.status_code == 200
    assert 'href="/o/harbor-recovery-community/">See your public page</a>' in (
        response.content.decode()
    )
