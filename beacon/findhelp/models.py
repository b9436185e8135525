"""What the public sends through Find Help: problem reports and organization submissions.

Neither changes the directory by itself: both wait in a moderation queue for an organization
admin (docs/findhelp.md). The rate limit on sending them is counted by beacon.core.ratelimit.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beacon.core.models import BaseModel


class ProblemKind(models.TextChoices):
    DISCONNECTED = "disconnected", _("The phone number does not work")
    CLOSED = "closed", _("This place has closed")
    WRONG_HOURS = "wrong_hours", _("The hours are wrong")
    OTHER = "other", _("Something else")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class ServiceProblemReport(BaseModel):
    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="problem_reports",
    )
    kind = models.CharField(_("what is wrong"), max_length=16, choices=ProblemKind)
    note = models.TextField(_("note"), blank=True, default="", max_length=2000)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus, default=ReportStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="findhelp_report_status_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.service}"


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class OrganizationSubmission(BaseModel):
    name = models.CharField(_("organization name"), max_length=200)
    services_description = models.TextField(_("services offered"), max_length=4000)
    address = models.CharField(_("street address"), max_length=200, blank=True, default="")
    city = models.CharField(_("city or town"), max_length=100, blank=True, default="")
    state = models.CharField(_("state"), max_length=2, blank=True, default="")
    postal_code = models.CharField(_("ZIP code"), max_length=10, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=40, blank=True, default="")
    website = models.URLField(_("website"), blank=True, default="")
    contact_email = models.EmailField(_("email for questions about this entry"))
    status = models.CharField(
        _("status"), max_length=16, choices=SubmissionStatus, default=SubmissionStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # The directory entry an accepted submission became.
    directory_service = models.ForeignKey(
        "directory.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="findhelp_submission_status_idx")
        ]

    def __str__(self):
        return self.name

    @property
    def submitted_at(self):
        return self.created_at


# The search index ---------------------------------------------------------------------------------
#
# Derived from the directory and rebuilt from it at will (beacon/findhelp/index.py): never edited
# by hand, never audited, not records. One document per public service with its words; one place
# per location of the service that has coordinates; the service's weekly openings as ranges of
# seconds in the week; the names of the languages it offers. Documents and places both carry the
# facets the filters read, so a search near a ZIP code filters places without reading documents.
# Integer keys: SQLite joins and FTS5 rowids on integers are several times faster than on the
# directory's UUIDs (bench/RESULTS.md).


class SearchFacets(models.Model):
    # Name folded to lower case: the order of results without a ZIP code.
    sort_name = models.TextField()
    # True only when the directory says yes (unknown is not yes).
    accepts_medicaid = models.BooleanField(default=False)
    accepts_uninsured = models.BooleanField(default=False)
    sliding_fee = models.BooleanField(default=False)
    same_day_intake = models.BooleanField(default=False)
    offers_moud = models.BooleanField(default=False)
    # "|a|b|" lists, so one LIKE '%|a|%' finds a value: populations served; language names and
    # codes (folded) of the service and its locations; the taxonomy terms it is tagged with.
    populations = models.TextField(default="|")
    languages = models.TextField(default="|")
    terms = models.TextField(default="|")

    class Meta:
        abstract = True


class SearchDocument(SearchFacets):
    id = models.BigAutoField(primary_key=True)
    service = models.OneToOneField(
        "directory.Service", on_delete=models.CASCADE, related_name="search_document"
    )
    # Folded names and descriptions of the service and its organization and the names of its
    # taxonomy terms, one per line. Searched with FTS5 (trigram) on SQLite and a pg_trgm GIN
    # index on PostgreSQL (migration 0004).
    text = models.TextField()

    class Meta:
        indexes = [
            models.Index(fields=["sort_name", "id"], name="findhelp_doc_sort_idx"),
        ]

    def __str__(self):
        return self.sort_name


class SearchPlace(SearchFacets):
    id = models.BigAutoField(primary_key=True)
    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="places")
    location = models.ForeignKey("directory.Location", on_delete=models.CASCADE, related_name="+")
    latitude = models.FloatField()
    longitude = models.FloatField()
    # The point on the unit sphere: the dot product with the search origin's point orders and
    # cuts by great-circle distance exactly, with arithmetic alone (no trigonometry per row).
    x = models.FloatField()
    y = models.FloatField()
    z = models.FloatField()

    class Meta:
        indexes = [
            # Covering: the bounding box and the distance come from the index alone.
            models.Index(
                fields=["latitude", "longitude", "x", "y", "z", "document"],
                name="findhelp_place_geo_idx",
            ),
        ]

    def __str__(self):
        return f"{self.latitude}, {self.longitude}"


class SearchHours(models.Model):
    """One opening of a weekly or daily schedule: [starts, ends) in seconds from Monday 00:00,
    local time where the place is (`time_zone`). Hours past midnight are split in two."""

    id = models.BigAutoField(primary_key=True)
    # Indexed by the composite index below, which starts with it.
    document = models.ForeignKey(
        SearchDocument, on_delete=models.CASCADE, related_name="hours", db_index=False
    )
    starts = models.PositiveIntegerField()
    ends = models.PositiveIntegerField()
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    # Where the times are read (index.place_time_zone): an IANA name, "UTC-05:00", or "" for
    # Beacon's own zone. The "open now" filter asks each zone in the index for its own time.
    time_zone = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["document", "starts", "ends"], name="findhelp_hours_doc_idx"),
            models.Index(fields=["time_zone"], name="findhelp_hours_zone_idx"),
        ]

    def __str__(self):
        return f"{self.starts}-{self.ends}"


class SearchLanguage(models.Model):
    """A language a service in Find Help offers, for itself or at one of its locations, named as
    the directory names it. The language filter offers the distinct names, read from the name
    index one language at a time (selectors.language_choices), not from 90,000 directory rows."""

    id = models.BigAutoField(primary_key=True)
    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="+")
    name = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["name"], name="findhelp_language_name_idx")]

    def __str__(self):
        return self.name


# Find Help in people's words ----------------------------------------------------------------


class SearchSynonym(BaseModel):
    """An everyday word or brand name and what the directory calls it: "narcan" means
    "naloxone" (beacon/findhelp/words.py applies them; docs/findhelp.md says how).

    One table for the whole Beacon, like the directory Find Help searches: a default set comes
    with Beacon (`organization` empty, loaded by migration findhelp/0008) and organization
    admins add their own, edit and remove them (beacon/findhelp/permissions.py says which)."""

    phrase = models.CharField(
        _("what people say"),
        max_length=100,
        unique=True,
        help_text=_("A word or a few words, as people type them: suboxone, sober house, AA."),
        error_messages={
            "unique": _("Find Help already reads these words: change that entry instead.")
        },
    )
    means = models.CharField(
        _("what the directory calls it"),
        max_length=200,
        help_text=_("The words services use for it: buprenorphine, recovery residence."),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["phrase"]

    def __str__(self):
        return f"{self.phrase} \u2192 {self.means}"
