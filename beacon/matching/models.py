"""Matching peers and participants (docs/matching.md): what a peer shares about themselves,
what a participant hopes for in a peer, how much each aspect counts in the organization, the
requests for a different peer, batch proposals and the matches made, to learn from."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beacon.core.models import BaseModel
from beacon.matching.scoring import tokens_of


class PeerProfile(BaseModel):
    """A peer's matching profile, theirs to fill in and control. `values` holds, per aspect
    (choices.ASPECTS), what they chose; only the aspects listed in `shared` are ever used for
    matching or shown to anyone else. Nothing is shared until the peer says so."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    values = models.JSONField(default=dict, blank=True)
    shared = models.JSONField(default=list, blank=True)
    # None: the organization's caseload cap.
    capacity = models.PositiveIntegerField(_("caseload capacity"), null=True, blank=True)
    leaving = models.BooleanField(_("leaving the organization"), default=False)
    leaving_since = models.DateTimeField(null=True, blank=True)
    # What was shared, as "aspect:value" words: suggestions read it for every peer of the
    # organization, and a plain string costs a fraction of decoding two JSON documents a peer.
    shared_tokens = models.TextField(blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="matching_one_profile_per_peer"
            )
        ]
        verbose_name = _("peer matching profile")

    def __str__(self):
        return f"{self.user} ({self.organization})"

    def save(self, *args, **kwargs):
        # A derived value of this row (STYLE.md 3), kept with it on every save.
        self.shared_tokens = tokens_of(self.shared_values())
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "shared_tokens"}
        super().save(*args, **kwargs)

    def shared_values(self) -> dict[str, list[str]]:
        """Only what the peer shared for matching."""
        return {k: list(v) for k, v in (self.values or {}).items() if k in (self.shared or [])}


class Preferences(BaseModel):
    """What a participant hopes for in a peer, asked at intake and editable later: per aspect
    the values and how much it matters ("must" or "would like"), or no preference at all."""

    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    wants = models.JSONField(default=dict, blank=True)  # {aspect: {"values": [], "strength": ""}}
    no_preference = models.BooleanField(_("no preference"), default=False)
    in_their_words = models.CharField(_("In their words"), max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("matching preferences")

    def __str__(self):
        return f"{self.participant_id}"

    def participant_seen(self, member) -> tuple:
        return self.participant_id, "matching_preferences"


class Weight(BaseModel):
    """How much one aspect counts in an organization; without a row, the default of
    choices.ASPECTS."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    aspect = models.CharField(max_length=30)
    weight = models.PositiveSmallIntegerField()
    note = models.CharField(_("why"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "aspect"], name="matching_one_weight_per_aspect"
            ),
            models.CheckConstraint(condition=Q(weight__lte=10), name="matching_weight_at_most_10"),
        ]

    def __str__(self):
        return f"{self.aspect}={self.weight}"


class ChangeVia(models.TextChoices):
    PORTAL = "portal", _("Asked in their own Beacon")
    PEER = "peer", _("Asked through their peer")


class ChangeRequest(BaseModel):
    """A participant asked for a different peer (no reason needed). Open until someone is
    matched with them from the queue."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    via = models.CharField(max_length=10, choices=ChangeVia.choices)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(resolved_at__isnull=True),
                name="matching_one_open_change_request",
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "created_at"],
                condition=Q(resolved_at__isnull=True),
                name="matching_change_open",
            )
        ]

    def __str__(self):
        return f"{self.participant_id} ({self.via})"


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a decision")
    DECIDED = "decided", _("Decided")


class Proposal(BaseModel):
    """ "Match everyone waiting": a stored proposal, read back and decided on later. Nothing is
    assigned until a supervisor accepts pairs."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    # The sum of the fits of the pairs proposed, and of a greedy pass on the same data.
    total = models.FloatField(default=0)
    greedy_total = models.FloatField(default=0)
    matched = models.PositiveIntegerField(default=0)
    greedy_matched = models.PositiveIntegerField(default=0)
    proven_optimal = models.BooleanField(default=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="matching_proposals")]

    def __str__(self):
        return f"{self.organization_id} {self.created_at:%Y-%m-%d %H:%M}"


class PairDecision(models.TextChoices):
    UNDECIDED = "", _("Not decided")
    ACCEPTED = "accepted", _("Accepted")
    CHANGED = "changed", _("Accepted with another peer")
    SKIPPED = "skipped", _("Left in the queue")


class ProposalPair(BaseModel):
    """One waiting person in a proposal and the peer proposed (None: nobody fits their
    "musts" with room)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="pairs")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    peer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fit = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    misses = models.JSONField(default=list, blank=True)
    decision = models.CharField(
        max_length=10, choices=PairDecision.choices, default=PairDecision.UNDECIDED, blank=True
    )
    assigned_peer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return f"{self.participant_id} → {self.peer_id}"

    def participant_seen(self, member) -> tuple:
        return self.participant_id, "matching_proposal"


class Match(BaseModel):
    """A match made through matching: the caseload assignment it became and the aspects the
    pair shared at the time, for the "What matters locally" page."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    assignment = models.OneToOneField(
        "participants.CaseloadAssignment", on_delete=models.PROTECT, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    peer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    aspects = models.JSONField(default=list, blank=True)
    fit = models.FloatField(default=0)
    made_at = models.DateTimeField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["organization", "made_at"], name="matching_matches")]

    def __str__(self):
        return f"{self.participant_id} → {self.peer_id}"
