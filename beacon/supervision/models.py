"""Supervision: sessions a supervisor holds with peers, and the review of encounter notes.

Which notes need a review is not stored: it is derived from the organization's settings
(`note_review_first_count`, `note_review_crisis`) in selectors.py, so changing a setting
changes the queue at once and logging an encounter needs no hook. Only what people do is
stored: comments on a note, and co-signs.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from beacon.core.concurrency import VersionedModel
from beacon.core.models import BaseModel

MAX_SESSION_MINUTES = 8 * 60


class SessionKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")


class SessionModality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video")
    PHONE = "phone", _("Phone")


class SupervisionTopic(models.TextChoices):
    ETHICS = "ethics", _("Ethics")
    BOUNDARIES = "boundaries", _("Boundaries")
    SELF_CARE = "self_care", _("Self-care")
    CASE_REVIEW = "case_review", _("Case review")
    SKILLS = "skills", _("Skills")


class SupervisionSession(BaseModel, VersionedModel):
    """One supervision session: who led it, which peers attended, what it covered.

    `private_notes` are for the organization's supervisors and admins only, never the peer;
    `next_steps` are written for the peer.
    """

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="supervision_sessions_led",
        verbose_name=_("supervisor"),
    )
    peers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="supervision_sessions", verbose_name=_("peers")
    )
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(MAX_SESSION_MINUTES)]
    )
    kind = models.CharField(_("individual or group"), max_length=20, choices=SessionKind.choices)
    modality = models.CharField(_("how"), max_length=20, choices=SessionModality.choices)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    topics_other = models.CharField(_("other topics"), max_length=200, blank=True)
    private_notes = models.TextField(_("private notes"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Recorded in error: kept (the audit trail points at it) but out of every list and of the
    # peers' certification hours.
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        ordering = ["-held_on", "-created_at"]
        indexes = [
            models.Index(fields=["organization", "-held_on"], name="supervision_org_held"),
        ]
        verbose_name = _("supervision session")

    def __str__(self):
        return f"{self.get_kind_display()} supervision {self.held_on:%Y-%m-%d}"

    def get_topics_display(self) -> list[str]:
        labels = dict(SupervisionTopic.choices)
        shown = [str(labels.get(t, t)) for t in self.topics]
        if self.topics_other:
            shown.append(self.topics_other)
        return shown


class ReviewComment(BaseModel):
    """One comment in the review thread of an encounter note (supervisors and the peer)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    encounter = models.ForeignKey(
        "encounters.Encounter",
        on_delete=models.PROTECT,
        related_name="review_comments",
        db_index=False,
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    # The encounter's version the comment was written against (a correction may follow it).
    encounter_version = models.PositiveIntegerField()
    # When the encounter's peer first saw it (My day's "comments on your notes" until then).
    seen_by_peer_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["encounter", "created_at"], name="review_comment_enc")]

    def __str__(self):
        return f"Comment on {self.encounter_id}"


class NoteCosign(BaseModel):
    """A supervisor's co-signature on one version of an encounter note.

    A correction of the encounter after the co-sign makes a new version: the note needs a
    co-sign again (selectors.reviews_pending), and the reviewer sees what changed.
    """

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    encounter = models.ForeignKey(
        "encounters.Encounter", on_delete=models.PROTECT, related_name="cosigns", db_index=False
    )
    encounter_version = models.PositiveIntegerField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["encounter", "encounter_version"], name="one_cosign_per_note_version"
            )
        ]

    def __str__(self):
        return f"Co-sign {self.encounter_id} v{self.encounter_version}"
