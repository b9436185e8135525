"""What the public sends through Find Help: problem reports and organization submissions.

Neither changes the directory by itself: both wait in a moderation queue for an organization
admin (docs/findhelp.md). `PublicFormThrottle` counts sends per address for the rate limit; it
holds a keyed hash of the address, never the address, and only for the current hour.
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


class PublicFormThrottle(models.Model):
    """Sends from one address in one hour. `key` is an HMAC of the address and the day."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="findhelp_throttle_unique")
        ]

    def __str__(self):
        return f"{self.window_start:%Y-%m-%d %H}:00 {self.count}"
