"""Reports: community work peers log (not about one participant), and networks (a state or a
funder) that see their member organizations' figures side by side, never a participant's record.

How a network viewer is represented (docs/reports.md, "The statewide view"): a `NetworkViewer`
row names a person and a network. It is not a `Membership`: a network viewer works in no
organization through it, so every organization page and API operation (each gated on
`request.member`) refuses them as it refuses anyone without a membership, and no participant's
record is ever in their reach. Platform admins see every network.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.models import BaseModel


class Network(BaseModel):
    """A state, a funder or any group of organizations whose figures are reported together."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.CharField(_("about this network"), max_length=500, blank=True)
    organizations = models.ManyToManyField(
        "organizations.Organization",
        through="NetworkMember",
        related_name="+",
        verbose_name=_("member organizations"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")

    def __str__(self):
        return self.name


class NetworkMember(BaseModel):
    """An organization whose figures a network sees (aggregates only)."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="members", db_index=False
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["network", "organization"], name="one_network_member_per_org"
            )
        ]


class NetworkViewer(BaseModel):
    """A person who sees a network's report: a state's or a funder's staff."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="viewers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="network_viewers",
        db_index=False,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "network"], name="one_network_viewer_row")
        ]


class ActivityKind(models.TextChoices):
    OUTREACH_EVENT = "outreach_event", _("Outreach event")
    PRESENTATION = "presentation", _("Presentation")
    ADVOCACY = "advocacy", _("Advocacy")
    TRAINING_GIVEN = "training_given", _("Training given")
    NALOXONE = "naloxone", _("Naloxone distribution")


class CommunityActivity(BaseModel):
    """Work a peer does for the community rather than with one participant. It names no
    participant; it counts as experience toward a credential whose definition allows it
    (beacon/reports/hours.py) and appears in the outcomes and network reports."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    peer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="community_activities",
        db_index=False,
    )
    kind = models.CharField(_("what"), max_length=20, choices=ActivityKind.choices)
    on = models.DateField(_("date"), default=timezone.localdate)
    minutes = models.PositiveIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    people_reached = models.PositiveIntegerField(
        _("people reached"), default=0, validators=[MaxValueValidator(100_000)]
    )
    naloxone_kits = models.PositiveIntegerField(
        _("naloxone kits given"), default=0, validators=[MaxValueValidator(10_000)]
    )
    where = models.CharField(_("where"), max_length=200, blank=True)
    note = models.CharField(
        _("note"),
        max_length=500,
        blank=True,
        help_text=_("What it was. Never a participant's name."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-created_at"]
        indexes = [
            models.Index(fields=["organization", "on"], name="community_org_on"),
            models.Index(fields=["peer", "on"], name="community_peer_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ActivityKind.values), name="community_kind_valid"
            )
        ]
        verbose_name = _("community work")
        verbose_name_plural = _("community work")

    def __str__(self):
        return f"{self.get_kind_display()} {self.on}"
