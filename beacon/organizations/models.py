import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from beacon.core.models import BaseModel
from beacon.organizations.slugs import SLUG_MAX_LENGTH, slug_validator


class Role(models.TextChoices):
    """A person's role within one organization (platform admin is a property of the user)."""

    ORG_ADMIN = "org_admin", _("Organization admin")
    SUPERVISOR = "supervisor", _("Supervisor")
    PEER = "peer", _("Peer specialist")
    PARTICIPANT = "participant", _("Participant")


STAFF_ROLES = frozenset({Role.ORG_ADMIN, Role.SUPERVISOR, Role.PEER})


class BillingUnitsRule(models.TextChoices):
    """How minutes become 15-minute units; state Medicaid rules differ."""

    MIDPOINT = (
        "midpoint",
        _("A unit for each 15 minutes, and one more for 8 minutes or more left over"),
    )
    WHOLE = "whole", _("Only whole 15-minute units")

    def units(self, minutes: int) -> int:
        minutes = max(0, int(minutes or 0))
        whole, rest = divmod(minutes, 15)
        if self == BillingUnitsRule.MIDPOINT and rest >= 8:
            whole += 1
        return whole


# What participants read above their messages unless the organization writes its own.
DEFAULT_OFFICE_HOURS = (
    "Your peer usually answers within a day. In a crisis, call or text 988 at any time."
)


# When a person who asked to talk to a peer hears back, unless the organization says otherwise.
DEFAULT_PEER_REQUEST_RESPONSE = "within one business day"

_ZIP_CODE = re.compile(r"^\d{3}(\d{2})?$")


def zip_codes_served(value: str) -> list[str]:
    """The ZIP codes and 3-digit beginnings in `value` (spaces or commas between them)."""
    return [code for code in re.split(r"[\s,;]+", value or "") if code]


def validate_zip_codes(value: str) -> None:
    wrong = [code for code in zip_codes_served(value) if not _ZIP_CODE.match(code)]
    if wrong:
        raise ValidationError(
            _("Not a 5-digit ZIP code or a 3-digit beginning: %(codes)s"),
            params={"codes": ", ".join(wrong[:5])},
            code="invalid",
        )


def default_idle_timeout():
    return settings.BEACON_SESSION_IDLE_MINUTES


class Organization(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    # Shown to the organization's participants on their own pages (/my/) beside 988, and to
    # the public on the organization's public page when it is published.
    phone = models.CharField(
        _("Phone participants can call"),
        max_length=40,
        blank=True,
        help_text=_(
            "Shown to participants in their Beacon, beside the 988 crisis line, and on your "
            "public page when it is published."
        ),
    )
    # The public page (/o/<slug>/, docs/public-site.md): off until an admin publishes it, so an
    # organization's address and hours are never public by accident.
    slug = models.CharField(
        _("Address of your public page"),
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        validators=[slug_validator],
        help_text=_(
            "Your public page is at /o/<this address>/. Lowercase letters, numbers and "
            "hyphens. Changing it breaks links to the old address."
        ),
        error_messages={
            "unique": _("Another organization already uses this address. Choose another.")
        },
    )
    public_page_published = models.BooleanField(
        _("Publish your public page"),
        default=False,
        help_text=_(
            "On: anyone can open your public page, without signing in. Off: its address "
            'shows "page not found", as for an address that does not exist.'
        ),
    )
    public_description = models.CharField(
        _("What you offer"),
        max_length=2000,
        blank=True,
        help_text=_("A few sentences in plain words for someone looking for help."),
    )
    public_hours = models.CharField(
        _("Hours"),
        max_length=500,
        blank=True,
        help_text=_("For example: Monday to Friday 9 am to 5 pm; walk-ins Saturday 10 to 2."),
    )
    address = models.CharField(
        _("Street address"),
        max_length=300,
        blank=True,
        help_text=_("Where people can find you. Leave it empty if you have no public address."),
    )
    website = models.URLField(
        _("Website"),
        max_length=200,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Starting with https:// (or http://)."),
    )
    part2_applies = models.BooleanField(
        _("42 CFR Part 2 applies"),
        default=True,
        help_text=_(
            "Whether this organization is a federally assisted substance use disorder program "
            "whose records 42 CFR Part 2 protects."
        ),
    )
    mfa_required = models.BooleanField(
        _("Staff must use multi-factor authentication"),
        default=True,
        help_text=_("Staff enrol an authenticator app and recovery codes before they can work."),
    )
    # When the requirement last took effect (set by organization_create and
    # organization_update_settings; None while it is off, or read as the organization's creation
    # when it is on). Staff API tokens made before it no longer work (beacon/api/selectors.py).
    mfa_required_since = models.DateTimeField(null=True, blank=True, editable=False)
    idle_timeout_minutes = models.PositiveIntegerField(
        _("Sign out after this many idle minutes"),
        default=default_idle_timeout,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    overdue_after_days = models.PositiveIntegerField(
        _("Days without contact before a participant counts as overdue"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    participants_open_to_team = models.BooleanField(
        _("Every peer sees every participant"),
        default=False,
        help_text=_(
            "Off: peers see only the participants on their own caseload. Supervisors and "
            "organization admins always see everyone."
        ),
    )
    billing_units_rule = models.CharField(
        _("How billable 15-minute units (H0038) are counted"),
        max_length=20,
        choices=BillingUnitsRule.choices,
        default=BillingUnitsRule.MIDPOINT,
    )
    plan_review_interval_days = models.PositiveIntegerField(
        _("Days between recovery plan reviews"),
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
    )
    referral_follow_up_days = models.PositiveIntegerField(
        _("Days before a referral without an outcome needs a follow-up"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    directory_verify_after_days = models.PositiveIntegerField(
        _("Days before a directory entry needs verifying again"),
        default=180,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
        help_text=_("Entries your organization curates appear in the re-verify queue after this."),
    )
    note_review_first_count = models.PositiveIntegerField(
        _("Review each peer's first notes"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "A supervisor reviews this many of each peer's first encounter notes (0: none)."
        ),
    )
    note_review_crisis = models.BooleanField(
        _("Review every note with a crisis flag"),
        default=False,
    )
    crisis_escalate_after_minutes = models.PositiveIntegerField(
        _("Minutes before an unacknowledged crisis flag is escalated"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_(
            "If no supervisor or admin acknowledges a crisis flag within this time, every "
            "supervisor and admin is emailed about it (once)."
        ),
    )
    caseload_cap = models.PositiveIntegerField(
        _("Caseload size a peer should not go above"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    workday_starts = models.TimeField(_("Working hours start"), default=datetime.time(8, 0))
    workday_ends = models.TimeField(_("Working hours end"), default=datetime.time(18, 0))
    # Messages between participants and their peers (beacon.messaging, docs/portal.md).
    messages_enabled = models.BooleanField(
        _("Participants can send messages to their peer"),
        default=True,
        help_text=_(
            "Off: participants see a note with your phone number and 988 instead of messages."
        ),
    )
    messages_office_hours = models.CharField(
        _("When participants can expect an answer"),
        max_length=300,
        default=DEFAULT_OFFICE_HOURS,
        help_text=_("Shown to participants above their messages."),
    )
    messages_team_answers = models.BooleanField(
        _("Supervisors and organization admins answer messages too"),
        default=True,
        help_text=_(
            "On: when a participant's peer is away, your supervisors and organization admins "
            "can read and answer the participant's messages. The participant's peers "
            "(primary and secondary) always can."
        ),
    )
    # Talk to a peer: requests from the public form at /talk-to-a-peer/ (beacon.peerrequests,
    # docs/public-site.md).
    peer_requests_open = models.BooleanField(
        _("Take requests from the public “Talk to a peer” form"),
        default=False,
        help_text=_(
            "On: people can ask your organization for a peer at /talk-to-a-peer/. Requests "
            "wait on your supervisors' My day."
        ),
    )
    peer_requests_respond_within = models.CharField(
        _("When people who ask to talk to a peer will hear from you"),
        max_length=100,
        default=DEFAULT_PEER_REQUEST_RESPONSE,
        help_text=_("Shown on the confirmation page, for example “within one business day”."),
    )
    peer_requests_zip_codes = models.CharField(
        _("ZIP codes you serve"),
        max_length=2000,
        blank=True,
        validators=[validate_zip_codes],
        help_text=_(
            "Requests that name no organization go to the one serving the person's ZIP code. "
            "5-digit ZIP codes or 3-digit beginnings (016 for 01601 to 01699), separated by "
            "spaces or commas."
        ),
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.public_page_published and not (
            self.phone.strip() or self.address.strip() or self.website.strip()
        ):
            raise ValidationError(
                {
                    "public_page_published": _(
                        "A public page needs at least one way to reach you: add a phone, a "
                        "street address or a website, then publish it."
                    )
                }
            )


class Membership(BaseModel):
    """A person's place in one organization: their role, and whether it is active."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        db_index=False,
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships", db_index=False
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["organization", "role"], name="membership_org_role")]
        verbose_name = _("membership")

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.organization})"

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_org_admin(self) -> bool:
        return self.role == Role.ORG_ADMIN

    @property
    def mfa_required(self) -> bool:
        return self.is_staff_role and self.organization.mfa_required


class Invitation(BaseModel):
    """An email invitation to join an organization in a role. Only a hash of its token is kept."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(Lower("email"), name="invitation_email_lower")]

    def __str__(self):
        return f"{self.email} → {self.organization}"

    @property
    def is_open(self) -> bool:
        from django.utils import timezone

        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
