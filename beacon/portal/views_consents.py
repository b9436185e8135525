"""My consents (/my/consents/): each consent in plain words, its printable form, and taking it
back, whole or for one recipient, from the phone (a confirm step; at once; audited; the peer is
told in Beacon). Through beacon.consents services with the participant as the actor."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from beacon.consents import selectors, services
from beacon.portal.access import participant_page


@participant_page
def consents(request):
    return render(
        request,
        "portal/consents/list.html",
        {
            "consents": selectors.own_consent_list(member=request.member),
            "can_change": not request.own_record.discharged_on,
        },
    )


@participant_page
def consent_print(request, consent_id):
    consent = selectors.own_consent_get(member=request.member, pk=consent_id)
    return render(
        request,
        "portal/consents/print.html",
        {
            "consent": consent,
            "participant": consent.participant,
            "recipients": list(consent.recipients.all()),
        },
    )


@participant_page(for_write=True)
def consent_revoke(request, consent_id):
    """GET: "Are you sure?" (the whole consent, or the recipient named by ?recipient=).
    POST: take it back now."""
    consent = selectors.own_consent_get(
        member=request.member, pk=consent_id, for_write=request.method == "POST"
    )
    source = request.POST if request.method == "POST" else request.GET
    recipient_id = source.get("recipient", "")
    recipients = list(consent.recipients.all())
    recipient = next((r for r in recipients if str(r.pk) == recipient_id), None)
    error = ""
    if recipient_id and recipient is None:
        error = _("This recipient is not part of this consent.")
    elif consent.revoked_at is not None or (recipient is not None and recipient.revoked_at):
        error = _("This is already taken back.")
    if request.method == "POST" and not error:
        try:
            if recipient is not None:
                services.consent_recipient_revoke(
                    member=request.member,
                    consent=consent,
                    recipient=recipient,
                    note=_("Revoked by the participant in their own Beacon."),
                )
                done = _(
                    "Done. %(recipient)s can no longer receive your information under this consent."
                ) % {"recipient": recipient.name}
            else:
                services.consent_revoke(
                    member=request.member,
                    consent=consent,
                    note=_("Revoked by the participant in their own Beacon."),
                )
                done = _("Done. This consent is taken back for everyone on it.")
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, done)
            return redirect(f"{reverse('portal:consents')}#consent-{consent.pk}")
    return render(
        request,
        "portal/consents/revoke.html",
        {"consent": consent, "recipient": recipient, "error": error},
        status=400 if error and request.method == "POST" else 200,
    )
