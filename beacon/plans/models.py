"""Recovery plans (the participant's own words, goals in SAMHSA's four dimensions, action steps,
progress notes, reviews and every saved version) and wellness and relapse-prevention plans."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.concurrency import VersionedModel
from beacon.core.models import BaseModel


class Domain(models.TextChoices):
    """SAMHSA's four dimensions of recovery."""

    HEALTH = "health", _("Health")
    HOME = "home", _("Home")
    PURPOSE = "purpose", _("Purpose")
    COMMUNITY = "community", _("Community")


class Area(models.TextChoices):
    HOUSING = "housing", _("Housing")
    EMPLOYMENT = "employment", _("Employment")
    EDUCATION = "education", _("Education")
    FAMILY = "family", _("Family")
    LEGAL = "legal", _("Legal")
    PHYSICAL_HEALTH = "physical_health", _("Physical health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    SPIRITUALITY = "spirituality", _("Spirituality")
    RECREATION = "recreation", _("Recreation")
    FINANCES = "finances", _("Finances")
    TRANSPORTATION = "transportation", _("Transportation")
    OTHER = "other", _("Other")


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    SET_ASIDE = "set_aside", _("Set aside")


# Goals still being worked on: the ones an encounter can be linked to from the quick form.
OPEN_STATUSES = (GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS)


class RecoveryPlan(BaseModel, VersionedModel):
    """One living plan per participant, in the participant's own words first."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.PROTECT, related_name="recovery_plan"
    )
    recovery_means = models.TextField(
        _("What recovery means to me"),
        blank=True,
        help_text=_("In the participant's own words."),
    )
    strengths = models.TextField(_("Strengths"), blank=True)
    needs = models.TextField(_("Needs"), blank=True)
    barriers = models.TextField(_("Barriers"), blank=True)
    started_on = models.DateField(_("plan started on"), default=timezone.localdate)
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    # The last review (or the plan's start) plus the organization's review interval; kept by
    # the services, so My day finds due reviews with one indexed comparison.
    next_review_on = models.DateField(_("next review due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["organization", "next_review_on"], name="plan_org_next_review"),
        ]
        verbose_name = _("recovery plan")

    def __str__(self):
        return f"{_('Recovery plan')} {self.participant_id}"

    def participant_seen(self, member) -> tuple:
        """Loading it for someone reads the participant's record (beacon/audit/reads.py)."""
        return self.participant_id, "plan"


class Goal(BaseModel, VersionedModel):
    plan = models.ForeignKey(RecoveryPlan, on_delete=models.PROTECT, related_name="goals")
    domain = models.CharField(_("dimension"), max_length=20, choices=Domain.choices)
    area = models.CharField(_("area of life"), max_length=20, choices=Area.choices)
    description = models.TextField(
        _("Goal"), help_text=_("In the participant's own words, as they would say it.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "created_at"]
        verbose_name = _("goal")

    def __str__(self):
        return self.description[:60]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ActionStep(BaseModel):
    """Who does what by when."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="steps")
    what = models.CharField(_("What"), max_length=300)
    who = models.CharField(
        _("Who"), max_length=100, help_text=_("For example: Jordan; Pat; Jordan with Pat.")
    )
    due_on = models.DateField(_("By when"), null=True, blank=True)
    done_on = models.DateField(_("Done on"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("action step")

    def __str__(self):
        return self.what


class ProgressNote(BaseModel):
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="notes")
    noted_on = models.DateField(_("Date"), default=timezone.localdate)
    text = models.TextField(_("Progress"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-noted_on", "-created_at"]
        verbose_name = _("progress note")

    def __str__(self):
        return f"{self.noted_on}: {self.text[:40]}"


class PlanVersion(BaseModel):
    """The whole plan (its words, goals and steps) as it stood after one saved change."""

    plan = models.ForeignKey(
        RecoveryPlan, on_delete=models.PROTECT, related_name="versions", db_index=False
    )
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    # The audit action that made it (plan.created, goal.added...), to list the history.
    change = models.CharField(max_length=40)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique_number")
        ]
        verbose_name = _("plan version")

    def __str__(self):
        return f"{self.plan_id} v{self.number}"

    @property
    def change_label(self) -> str:
        from beacon.audit.actions import action_label

        return action_label(self.change)


class PlanReview(BaseModel):
    plan = models.ForeignKey(RecoveryPlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField(_("Reviewed on"), default=timezone.localdate)
    what_changed = models.TextField(_("What changed"))
    participant_agreement_name = models.CharField(
        _("Participant's agreement (typed name)"), max_length=200
    )
    participant_agreement_on = models.DateField(_("Date of agreement"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-reviewed_on", "-created_at"]
        verbose_name = _("plan review")

    def __str__(self):
        return f"{self.plan_id} reviewed {self.reviewed_on}"


DEFAULT_CRISIS_LINES = "988 Suicide & Crisis Lifeline: call or text 988\nEmergency: 911"


class WellnessPlan(BaseModel, VersionedModel):
    """The wellness and relapse-prevention plan, printed on one page for a wallet or a fridge."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.PROTECT, related_name="wellness_plan"
    )
    triggers = models.TextField(_("My triggers"), blank=True)
    warning_signs = models.TextField(_("My early warning signs"), blank=True)
    coping_strategies = models.TextField(_("Coping strategies that work for me"), blank=True)
    # [{"name": "...", "phone": "..."}], in the order the participant would call them.
    people_to_call = models.JSONField(_("People I can call"), default=list, blank=True)
    safe_places = models.TextField(_("Safe places I can go"), blank=True)
    reasons_for_recovery = models.TextField(_("My reasons for recovery"), blank=True)
    crisis_help = models.TextField(_("What helps me in a crisis"), blank=True)
    crisis_lines = models.TextField(_("Crisis lines"), default=DEFAULT_CRISIS_LINES)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("wellness plan")

    def __str__(self):
        return f"{_('Wellness plan')} {self.participant_id}"

    def participant_seen(self, member) -> tuple:
        """Loading it for someone reads the participant's record (beacon/audit/reads.py)."""
        return self.participant_id, "wellness_plan"


class UpdateKind(models.TextChoices):
    """What a participant did to their own plan, from their own Beacon (/my/plan/)."""

    STEP_DONE = "step_done", _("Marked a step done")
    STEP_UNDONE = "step_undone", _("Marked a step not done yet")
    PROGRESS_NOTE = "progress_note", _("Wrote a progress note")
    SUGGESTION = "suggestion", _("Suggested a change")


class UpdateStatus(models.TextChoices):
    NEW = "new", _("New")
    SEEN = "seen", _("Seen")
    ANSWERED = "answered", _("Answered")


class PlanUpdate(BaseModel):
    """One thing a participant did to their plan themselves, for their peer's My day ("From
    participants' plans") until the peer marks it seen or answered. The act itself lives where
    it always does (the step's done date, the progress note, a plan version, the audit trail);
    this row is the peer's to-read item, and a suggestion's only record."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    plan = models.ForeignKey(RecoveryPlan, on_delete=models.PROTECT, related_name="updates")
    kind = models.CharField(max_length=20, choices=UpdateKind.choices)
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    step = models.ForeignKey(
        ActionStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.ForeignKey(
        ProgressNote, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A suggestion's words, in the participant's own words.
    text = models.TextField(_("Your suggestion"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=UpdateStatus.choices, default=UpdateStatus.NEW)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # My day: a caseload's new updates, newest first.
            models.Index(
                fields=["participant", "status", "-created_at"], name="plan_update_participant"
            ),
        ]
        verbose_name = _("plan update from a participant")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.participant_id})"

    def participant_seen(self, member) -> tuple:
        """Loading it for someone reads the participant's record (beacon/audit/reads.py)."""
        return self.participant_id, "plan"
