"""The resource directory, aligned with Open Referral HSDS 3.0.

One model per HSDS table (the tabular datapackage in hsds/datapackage.json), with the HSDS field
names. Each record keeps Beacon's own UUID primary key and stores the HSDS identifier in a unique
`hsds_id`, which is what imports match on; references between records are real foreign keys
(nullable: real data has dangling references, reported as warnings on import). The reasons are in
docs/decisions/0002-hsds.md. The directory is shared across the whole Beacon; `curator` records
which Beacon organization looks after an entry.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beacon.core.concurrency import VersionedModel
from beacon.core.models import BaseModel


def _hsds_id():
    return models.CharField(_("HSDS identifier"), max_length=255, unique=True)


def _text():
    return models.TextField(blank=True, default="")


def _number():
    return models.FloatField(null=True, blank=True)


def _date():
    return models.DateField(null=True, blank=True)


def _datetime():
    return models.DateTimeField(null=True, blank=True)


def _time():
    return models.TimeField(null=True, blank=True)


def _ref(model: str, related_name: str):
    # SET_NULL, not CASCADE: removing one entry must never silently remove others.
    return models.ForeignKey(
        model, on_delete=models.SET_NULL, null=True, blank=True, related_name=related_name
    )


class HsdsModel(BaseModel):
    hsds_id = _hsds_id()

    class Meta:
        abstract = True

    def __str__(self):
        return getattr(self, "name", "") or self.hsds_id


# Core tables -----------------------------------------------------------------------------------


class DirectoryOrganization(HsdsModel):
    """An HSDS organization: the body delivering services (not a Beacon Organization)."""

    name = _text()
    alternate_name = _text()
    description = _text()
    email = _text()
    website = _text()
    tax_status = _text()
    tax_id = _text()
    year_incorporated = _number()
    legal_status = _text()
    logo = _text()
    uri = _text()
    # A soft reference (HSDS declares no foreign key for it): kept as the HSDS id.
    parent_organization_id = _text()
    curator = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("curated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="curated_directory_organizations",
    )
    # This directory organization IS that Beacon organization (not merely curated by it):
    # referrals to its services land in that organization's inbox.
    beacon_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("on Beacon as"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_entries",
    )

    class Meta:
        indexes = [models.Index(fields=["name"], name="directory_org_name_idx")]


class Program(HsdsModel):
    organization = _ref("DirectoryOrganization", "programs")
    name = _text()
    alternate_name = _text()
    description = _text()


class CapacityStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WAITLIST = "waitlist", _("Waitlist")
    FULL = "full", _("Full")
    UNKNOWN = "unknown", _("Unknown")


class RecoveryResidenceLevel(models.TextChoices):
    """NARR (National Alliance for Recovery Residences) levels of support."""

    NONE = "", _("Not a recovery residence")
    LEVEL_I = "I", _("Level I (peer-run)")
    LEVEL_II = "II", _("Level II (monitored)")
    LEVEL_III = "III", _("Level III (supervised)")
    LEVEL_IV = "IV", _("Level IV (service provider)")


class Service(HsdsModel, VersionedModel):
    # `version` (VersionedModel) guards curators' edits: a stale edit is refused, not lost.
    organization = _ref("DirectoryOrganization", "services")
    program = _ref("Program", "services")
    name = _text()
    alternate_name = _text()
    description = _text()
    url = _text()
    email = _text()
    status = _text()
    interpretation_services = _text()
    application_process = _text()
    fees_description = _text()
    wait_time = _text()
    fees = _text()
    accreditations = _text()
    eligibility_description = _text()
    minimum_age = _number()
    maximum_age = _number()
    assured_date = _date()
    assurer_email = _text()
    licenses = _text()
    alert = _text()
    last_modified = _datetime()

    # What peers need beyond HSDS: carried in HSDS as attributes under the published Beacon
    # taxonomy (peer_fields.py, docs/hsds-peer-fields.md).
    curator = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("curated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="curated_services",
        db_index=False,
    )
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who verified, as exports sign it ("name, organization"): set with every verification, and
    # all there is when the verification came in an import (the verifier is no user here).
    verified_by_name = models.CharField(
        _("verified by (name)"), max_length=300, blank=True, default=""
    )
    capacity_status = models.CharField(
        _("capacity"), max_length=16, choices=CapacityStatus, default=CapacityStatus.UNKNOWN
    )
    capacity_updated_on = models.DateField(_("capacity updated on"), null=True, blank=True)
    # None means "we do not know", which is not the same as "no".
    same_day_intake = models.BooleanField(_("same-day intake"), null=True, blank=True)
    accepts_medicaid = models.BooleanField(_("accepts Medicaid"), null=True, blank=True)
    accepts_uninsured = models.BooleanField(
        _("accepts people without insurance"), null=True, blank=True
    )
    sliding_fee = models.BooleanField(_("sliding-scale fee"), null=True, blank=True)
    populations_served = models.JSONField(_("populations served"), default=list, blank=True)
    recovery_residence_level = models.CharField(
        _("recovery residence level (NARR)"),
        max_length=3,
        choices=RecoveryResidenceLevel,
        default=RecoveryResidenceLevel.NONE,
        blank=True,
    )
    offers_moud = models.BooleanField(
        _("offers medication for opioid use disorder"), null=True, blank=True
    )
    # Set when curators merged this entry, a duplicate, into another: it leaves Find Help (its
    # status becomes inactive) and is kept for history (docs/directory-curation.md).
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_duplicates",
    )

    class Meta:
        indexes = [
            models.Index(fields=["name"], name="directory_service_name_idx"),
            models.Index(fields=["status"], name="directory_service_status_idx"),
            # The re-verify queue: one organization's entries, oldest verification first.
            models.Index(
                fields=["curator", "last_verified_on"], name="directory_service_verify_idx"
            ),
        ]


class Location(HsdsModel):
    location_type = _text()
    url = _text()
    organization = _ref("DirectoryOrganization", "locations")
    name = _text()
    alternate_name = _text()
    description = _text()
    transportation = _text()
    latitude = _number()
    longitude = _number()
    external_identifier = _text()
    external_identifier_type = _text()

    class Meta:
        indexes = [models.Index(fields=["name"], name="directory_location_name_idx")]


class ServiceAtLocation(HsdsModel):
    service = _ref("Service", "service_at_locations")
    location = _ref("Location", "service_at_locations")
    description = _text()


# Other tables ----------------------------------------------------------------------------------


class Contact(HsdsModel):
    organization = _ref("DirectoryOrganization", "contacts")
    service = _ref("Service", "contacts")
    service_at_location = _ref("ServiceAtLocation", "contacts")
    location = _ref("Location", "contacts")
    name = _text()
    title = _text()
    department = _text()
    email = _text()


class Phone(HsdsModel):
    location = _ref("Location", "phones")
    service = _ref("Service", "phones")
    organization = _ref("DirectoryOrganization", "phones")
    contact = _ref("Contact", "phones")
    service_at_location = _ref("ServiceAtLocation", "phones")
    number = _text()
    extension = _number()
    type = _text()
    description = _text()


class Address(HsdsModel):
    location = _ref("Location", "addresses")
    attention = _text()
    address_1 = _text()
    address_2 = _text()
    city = _text()
    region = _text()
    state_province = _text()
    postal_code = _text()
    country = _text()
    address_type = _text()


class Schedule(HsdsModel):
    service = _ref("Service", "schedules")
    location = _ref("Location", "schedules")
    service_at_location = _ref("ServiceAtLocation", "schedules")
    valid_from = _date()
    valid_to = _date()
    dtstart = _date()
    timezone = _number()
    until = _date()
    count = _number()
    wkst = _text()
    freq = _text()
    interval = _number()
    byday = _text()
    byweekno = _text()
    bymonthday = _text()
    byyearday = _text()
    description = _text()
    opens_at = _time()
    closes_at = _time()
    schedule_link = _text()
    attending_type = _text()
    notes = _text()


class Funding(HsdsModel):
    organization = _ref("DirectoryOrganization", "funding")
    service = _ref("Service", "funding")
    source = _text()


class ServiceArea(HsdsModel):
    service = _ref("Service", "service_areas")
    name = _text()
    description = _text()
    extent = _text()
    extent_type = _text()
    uri = _text()


class RequiredDocument(HsdsModel):
    service = _ref("Service", "required_documents")
    document = _text()
    uri = _text()


class Language(HsdsModel):
    service = _ref("Service", "languages")
    location = _ref("Location", "languages")
    phone = _ref("Phone", "languages")
    name = _text()
    code = _text()
    note = _text()


class Accessibility(HsdsModel):
    location = _ref("Location", "accessibility")
    description = _text()
    details = _text()
    url = _text()

    class Meta:
        verbose_name_plural = "accessibility"


class Taxonomy(HsdsModel):
    name = _text()
    description = _text()
    uri = _text()
    version = _text()

    class Meta:
        verbose_name_plural = "taxonomies"


class TaxonomyTerm(HsdsModel):
    code = _text()
    name = _text()
    description = _text()
    # A soft reference (HSDS declares no foreign key for it): kept as the HSDS id.
    parent_id = _text()
    taxonomy = _text()
    language = _text()
    # HSDS column taxonomy_id; named as in the JSON form, since `taxonomy` is a text field.
    taxonomy_detail = _ref("Taxonomy", "terms")
    term_uri = _text()


class Attribute(HsdsModel):
    """Links a taxonomy term to any record (HSDS's link_id, link_type and link_entity).

    `link_id` stays the HSDS id of whatever it points at; `service` is filled in too when it
    points at a service in the directory, so later searches can filter services by term.
    """

    link_id = models.CharField(max_length=255, blank=True, default="", db_index=True)
    taxonomy_term = _ref("TaxonomyTerm", "attributes")
    link_type = _text()
    link_entity = _text()
    value = _text()
    service = _ref("Service", "attributes")


class Metadata(HsdsModel):
    resource_id = models.CharField(max_length=255, blank=True, default="", db_index=True)
    resource_type = _text()
    last_action_date = _date()
    last_action_type = _text()
    field_name = _text()
    previous_value = _text()
    replacement_value = _text()
    updated_by = _text()

    class Meta:
        verbose_name_plural = "metadata"


class MetaTableDescription(HsdsModel):
    name = _text()
    language = _text()
    character_set = _text()


class CostOption(HsdsModel):
    service = _ref("Service", "cost_options")
    valid_from = _date()
    valid_to = _date()
    option = _text()
    currency = _text()
    amount = _number()
    amount_description = _text()


class OrganizationIdentifier(HsdsModel):
    organization = _ref("DirectoryOrganization", "organization_identifiers")
    identifier_scheme = _text()
    identifier_type = _text()
    identifier = _text()


# Background imports (issue 5) --------------------------------------------------------------------


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    REFUSED = "refused", _("Refused: nothing imported")
    FAILED = "failed", _("Failed: nothing imported")


FINISHED_STATUSES = frozenset({ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED})


class DirectoryImport(BaseModel):
    """One HSDS file handed to Beacon to import in the background (a browser upload, the API, or
    `beacon directory import --background`), and what became of it.

    The file is kept in settings.BEACON_IMPORTS_DIR/<id>/. While the import runs, its progress is
    in a file beside it (the import writes in one transaction, invisible to others until it
    commits: docs/directory-imports.md); the final numbers are stored here.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directory_imports",
        help_text=_("Whose admins see the import; it becomes the entries' curator."),
        db_index=False,
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    stored_name = models.CharField(max_length=255, help_text=_("The file's name in its folder."))
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    task_id = models.CharField(max_length=64, blank=True, default="")
    kind = models.CharField(max_length=10, help_text=_("zip, json, csv or directory"))
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True, help_text=_("The first ones only."))
    warning_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    failure = models.TextField(blank=True, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A new try of a failed import, with the same file (docs/directory-imports.md).
    retry_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="retries",
        verbose_name=_("a new try of"),
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self):
        return self.file_name

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES
