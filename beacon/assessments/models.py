"""Assessments (BARC-10, stage of change, the organization's own questionnaires) and the
questionnaires themselves, versioned so that old answers keep their meaning."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beacon.core.models import BaseModel
from beacon.participants.models import StageOfChange


class Instrument(models.TextChoices):
    BARC10 = "barc10", _("BARC-10 (recovery capital)")
    STAGE_OF_CHANGE = "stage_of_change", _("Stage of change")
    QUESTIONNAIRE = "questionnaire", _("Organization questionnaire")


class ItemKind(models.TextChoices):
    CHOICE = "choice", _("One choice from a list")
    NUMBER = "number", _("A number")
    YES_NO = "yes_no", _("Yes or no")
    TEXT = "text", _("Words")


class Questionnaire(BaseModel):
    """An organization's own questionnaire. Its questions live in versions: a published version
    never changes, so answers given to it keep the questions they answered."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="questionnaires",
        db_index=False,
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("what it is for"), blank=True)
    # Retired questionnaires can no longer be filled in; their answers stay.
    is_active = models.BooleanField(default=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="questionnaire_unique_name"
            )
        ]
        verbose_name = _("questionnaire")

    def __str__(self):
        return self.name


class QuestionnaireVersion(BaseModel):
    """One version of a questionnaire's items:
    [{"key", "text", "kind", "choices" (choice), "min"/"max" (number, optional), "required"}].

    A draft (published_at empty) is what an admin is editing; publishing freezes it. There is
    at most one draft per questionnaire."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="versions", db_index=False
    )
    number = models.PositiveIntegerField(_("version"))
    items = models.JSONField(default=list)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="questionnaire_version_unique_number"
            ),
            models.UniqueConstraint(
                fields=["questionnaire"],
                condition=Q(published_at__isnull=True),
                name="questionnaire_one_draft",
            ),
        ]
        verbose_name = _("questionnaire version")

    def __str__(self):
        return f"{self.questionnaire} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Assessment(BaseModel):
    """One administration of an instrument to a participant on a day. The BARC-10 total is
    computed by Beacon (instruments.barc10_total), never taken from a client."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="assessments",
        db_index=False,
    )
    instrument = models.CharField(_("instrument"), max_length=20, choices=Instrument.choices)
    questionnaire_version = models.ForeignKey(
        QuestionnaireVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    administered_on = models.DateField(_("date"))
    answers = models.JSONField(default=dict, blank=True)
    total = models.PositiveSmallIntegerField(_("total"), null=True, blank=True)
    stage = models.CharField(
        _("stage of change"), max_length=20, choices=StageOfChange.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The participant answered it themselves, in their own Beacon (docs/portal.md).
    completed_by_participant = models.BooleanField(_("completed by the participant"), default=False)

    class Meta:
        ordering = ["administered_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(instrument__in=[c.value for c in Instrument]),
                name="assessment_instrument_valid",
            ),
            models.CheckConstraint(
                condition=~Q(instrument="barc10") | Q(total__gte=10, total__lte=60),
                name="assessment_barc10_total_in_range",
            ),
            models.CheckConstraint(
                condition=Q(instrument="stage_of_change", stage__gt="")
                | (~Q(instrument="stage_of_change") & Q(stage="")),
                name="assessment_stage_only_for_stage",
            ),
            models.CheckConstraint(
                condition=Q(instrument="questionnaire", questionnaire_version__isnull=False)
                | (~Q(instrument="questionnaire") & Q(questionnaire_version__isnull=True)),
                name="assessment_version_only_for_questionnaire",
            ),
        ]
        indexes = [
            models.Index(
                fields=["participant", "instrument", "administered_on"],
                name="assessment_participant_date",
            )
        ]
        verbose_name = _("assessment")

    def __str__(self):
        return f"{self.get_instrument_display()} ({self.administered_on})"

    def participant_seen(self, member) -> tuple:
        """Loading it for someone reads the participant's record (beacon/audit/reads.py)."""
        return self.participant_id, "assessment"
