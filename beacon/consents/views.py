"""Consent pages. Every consent is loaded through selectors (404 for anyone who cannot see its
participant) and every read is recorded as a view of the participant's record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.consents import selectors, services
from beacon.consents.forms import (
    RevokeForm,
    consent_forms,
    recipient_values,
    show_consent_errors,
)
from beacon.consents.permissions import can_record_consent, can_revoke_consent
from beacon.core.access import require_member
from beacon.participants.selectors import participant_get_for_member
from beacon.participants.services import participant_viewed


@require_member
def consent_new(request, participant_id):
    participant = participant_get_for_member(member=request.member, pk=participant_id)
    if not can_record_consent(request.member, participant):
        raise PermissionDenied
    post = request.POST if request.method == "POST" else None
    # Adding a recipient row or finding one in the directory re-shows what was typed, without
    # judging it yet.
    form, formset, judge = consent_forms(post)
    recipient_errors: list[str] = []
    status = 200
    if judge:
        form_ok = form.is_valid()
        formset_ok = formset.is_valid()
        values = {**form.values(), "recipients": recipient_values(formset)}
        if form_ok and formset_ok:
            try:
                consent = services.consent_record(
                    member=request.member, participant=participant, **values
                )
            except ValidationError as exc:
                recipient_errors = show_consent_errors(form, formset, exc)
            else:
                messages.success(request, _("Consent recorded."))
                return redirect("consents:detail", consent_id=consent.pk)
        else:
            # Name every problem at once, not only those the form could see by itself.
            problems = services.consent_problems(participant=participant, **values)
            recipient_errors = show_consent_errors(
                form, formset, ValidationError(problems), only_new=True
            )
        status = 400
    return render(
        request,
        "consents/new.html",
        {
            "participant": participant,
            "form": form,
            "formset": formset,
            "recipient_errors": recipient_errors,
            "default_revocation_instructions": services.default_revocation_instructions(
                participant.organization
            ),
        },
        status=status,
    )


@require_member
def consent_detail(request, consent_id):
    consent = selectors.consent_get_for_member(member=request.member, pk=consent_id)
    participant_viewed(
        member=request.member, participant=consent.participant, seen="consent", target=consent
    )
    return render(
        request,
        "consents/detail.html",
        {
            "consent": consent,
            "participant": consent.participant,
            "recipients": list(consent.recipients.all()),
            "can_revoke": consent.revoked_at is None
            and can_revoke_consent(request.member, consent),
            "revoke_form": RevokeForm(),
        },
    )


@require_member
def consent_print(request, consent_id):
    consent = selectors.consent_get_for_member(member=request.member, pk=consent_id)
    participant_viewed(
        member=request.member, participant=consent.participant, seen="consent_form", target=consent
    )
    return render(
        request,
        "consents/print.html",
        {
            "consent": consent,
            "participant": consent.participant,
            "recipients": list(consent.recipients.all()),
        },
    )


@require_POST
@require_member
def consent_revoke(request, consent_id):
    consent = selectors.consent_get_for_member(member=request.member, pk=consent_id, for_write=True)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.consent_revoke(
                member=request.member, consent=consent, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Consent revoked for every recipient."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("consents:detail", consent_id=consent.pk)


@require_POST
@require_member
def consent_recipient_revoke(request, consent_id, recipient_id):
    consent = selectors.consent_get_for_member(member=request.member, pk=consent_id, for_write=True)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            recipient = services.consent_recipient_revoke(
                member=request.member,
                consent=consent,
                recipient=recipient_id,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if consent.revoked_at is not None:
                messages.success(
                    request,
                    _(
                        "Consent revoked for %(name)s. No recipient is left, so the whole "
                        "consent is revoked."
                    )
                    % {"name": recipient.name},
                )
            else:
                messages.success(
                    request, _("Consent revoked for %(name)s.") % {"name": recipient.name}
                )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("consents:detail", consent_id=consent.pk)
