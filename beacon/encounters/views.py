from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.core.access import require_member, require_role
from beacon.core.edits import Edit, save_edit
from beacon.core.forms import apply_validation_error
from beacon.crisis import selectors as crisis_selectors
from beacon.encounters import selectors, services
from beacon.encounters.forms import EncounterCorrectionForm, EncounterForm, HintsForm
from beacon.encounters.permissions import can_correct_encounter
from beacon.learn.language import language_hints
from beacon.notifications.services import notifications_mark_all_read
from beacon.participants.permissions import STAFF
from beacon.participants.services import participant_viewed
from beacon.plans.selectors import goals_to_link
from beacon.supervision import selectors as supervision_selectors
from beacon.supervision import services as supervision_services


def _gentle_hint_message(request, note: str) -> None:
    hints = language_hints(note)
    if not hints:
        return
    words = "; ".join(
        _("“%(term)s”: many people prefer “%(suggestion)s”")
        % {"term": h.term, "suggestion": h.suggestions[0]}
        for h in hints
    )
    messages.info(
        request,
        _("A thought on words, for next time or a correction: %(words)s.") % {"words": words},
    )


@require_member
def encounter_new(request):
    participant = selectors.participant_for_new_encounter(
        member=request.member, pk=request.GET.get("participant") or request.POST.get("participant")
    )
    goals = goals_to_link(participant=participant)
    if request.method == "POST":
        form = EncounterForm(request.POST, goals=goals)
        if form.is_valid():
            try:
                encounter = services.encounter_log(
                    member=request.member,
                    participant=participant,
                    build_url=request.build_absolute_uri,
                    **form.service_values(),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Encounter with %(name)s saved.") % {"name": participant.display_name},
                )
                if encounter.crisis_flag:
                    messages.info(request, _("Your supervisors were told about the crisis flag."))
                _gentle_hint_message(request, encounter.note)
                return redirect("encounters:detail", encounter_id=encounter.pk)
    else:
        defaults = selectors.encounter_defaults_for(member=request.member)
        form = EncounterForm(
            initial={
                "occurred_at": timezone.localtime().replace(second=0, microsecond=0),
                **defaults,
            },
            goals=goals,
        )
    hints = language_hints(form["note"].value() or "") if form.is_bound else []
    return render(
        request,
        "encounters/new.html",
        {"form": form, "participant": participant, "hints": hints},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_member
def encounter_detail(request, encounter_id):
    encounter = selectors.encounter_get_for_member(member=request.member, pk=encounter_id)
    participant_viewed(
        member=request.member, participant=encounter.participant, seen="encounter", target=encounter
    )
    notifications_mark_all_read(member=request.member, encounter=encounter)
    # Review comments on a peer's own note stop being new for them once they open it.
    supervision_services.review_comments_mark_seen(member=request.member, encounter=encounter)
    return render(
        request,
        "encounters/detail.html",
        {
            **supervision_selectors.encounter_review_context(
                member=request.member, encounter=encounter
            ),
            "encounter": encounter,
            # Its crisis flag's status and follow-through (beacon.crisis), when it carries one.
            "crisis": (
                crisis_selectors.crisis_flag_for_encounter(
                    member=request.member, encounter=encounter
                )
                if encounter.crisis_flag
                else None
            ),
            "corrections": selectors.encounter_corrections(encounter=encounter),
            "goals": list(encounter.goals.select_related("plan")),
            "can_correct": can_correct_encounter(request.member, encounter),
            "hints": language_hints(encounter.note),
        },
    )


@require_member
def encounter_edit(request, encounter_id):
    encounter = selectors.encounter_get_for_member(
        member=request.member, pk=encounter_id, for_write=True
    )
    goals = goals_to_link(participant=encounter.participant, encounter=encounter)
    if request.method == "POST":
        edit = save_edit(
            EncounterCorrectionForm(request.POST, goals=goals),
            lambda form: services.encounter_correct(
                member=request.member,
                encounter=encounter,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data.get("reason", ""),
                build_url=request.build_absolute_uri,
                **form.service_values(),
            ),
            rebind=lambda data: EncounterCorrectionForm(data, goals=goals),
        )
        if edit.saved:
            messages.success(request, _("Correction saved. The earlier version is kept."))
            _gentle_hint_message(request, edit.result.note)
            return redirect("encounters:detail", encounter_id=edit.result.pk)
        if edit.stale:
            participant_viewed(
                member=request.member,
                participant=encounter.participant,
                seen="encounter",
                target=encounter,
            )
    else:
        edit = Edit(
            EncounterCorrectionForm(
                initial=EncounterCorrectionForm.initial_for(encounter), goals=goals
            )
        )
        participant_viewed(
            member=request.member,
            participant=encounter.participant,
            seen="encounter",
            target=encounter,
        )
    form, conflict = edit.form, edit.current
    hints = language_hints(form["note"].value() or "")
    return render(
        request,
        "encounters/edit.html",
        {
            "form": form,
            "encounter": encounter,
            "conflict": conflict,
            "conflict_values": selectors.version_comparison(
                saved=conflict, typed=form.service_values() if form.is_valid() else {}
            )
            if conflict
            else [],
            "hints": hints,
        },
        status=edit.status,
    )


@require_POST
@require_role(*STAFF)
def language_hints_partial(request):
    """Live hints while a note is typed (htmx), for staff. Never blocks anything; no record is
    read."""
    form = HintsForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return render(
        request, "encounters/partials/_language_hints.html", {"hints": language_hints(note)}
    )
