"""What the public pages read: a published organization and the Find Help entries it runs."""

from __future__ import annotations

from django.http import Http404

from beacon.directory.models import Service
from beacon.findhelp.selectors import public_services
from beacon.organizations.models import Organization

# More than an organization's public page should list; Find Help has the rest.
SERVICES_SHOWN = 50


def organization_public_get(*, slug: str) -> Organization:
    """An active organization whose public page is published, by its slug, or 404: an
    unpublished page answers exactly like an address nobody has. Not load_visible(): a refusal
    there is audited with the visitor's address, and the public pages keep no trace of
    visitors."""
    try:
        return Organization.objects.only(*PUBLIC_FIELDS).get(
            slug=slug, public_page_published=True, is_active=True
        )
    except Organization.DoesNotExist:
        raise Http404 from None


PUBLIC_FIELDS = (
    "name",
    "slug",
    "phone",
    "public_description",
    "public_hours",
    "address",
    "website",
)


def organization_public_services(*, organization: Organization) -> list[Service]:
    """The services Find Help lists for this organization (directory entries that are this
    organization on Beacon, still offered), by name."""
    return list(
        public_services()
        .filter(organization__beacon_organization=organization)
        .only("pk", "name", "description")
        .order_by("name", "pk")[:SERVICES_SHOWN]
    )
