"""The participant's messages with their peer (`/my/messages/`) and their own details
(`/my/details/`): phone first, plain words (docs/portal.md)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from beacon.core.concurrency import StaleVersion
from beacon.core.forms import apply_validation_error
from beacon.messaging import selectors as messaging
from beacon.messaging import services as messaging_services
from beacon.messaging.forms import MessageForm
from beacon.participants.permissions import can_act_as_self
from beacon.participants.services import participant_update_own_details
from beacon.portal.access import participant_page
from beacon.portal.forms_details import DetailsForm
from beacon.portal.selectors import first_name, primary_peer_name


@participant_page(for_write=True)
def messages(request):
    """Their conversation with their peer, the newest at the bottom, and a box to write. When
    the organization turned messages off, a plain note with its phone and 988 instead."""
    record = request.own_record
    organization = record.organization
    if not organization.messages_enabled:
        return render(request, "portal/messages/off.html", {"organization": organization})
    status = 200
    form = MessageForm()
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                messaging_services.message_write(
                    member=request.member, participant=record, body=form.cleaned_data["body"]
                )
                flash.success(request, _("Sent. Your peer will see it in Beacon."))
                return redirect("portal:messages")
            except ValidationError as error:
                apply_validation_error(form, error)
        status = 400
    thread = messaging.thread(participant=record, for_participant=True)
    if request.method != "POST":
        messaging_services.messages_mark_read(participant=record, by_participant=True)
    return render(
        request,
        "portal/messages/messages.html",
        {
            "record": record,
            "organization": organization,
            "thread": thread,
            "participant": record,
            "participant_side": True,
            "form": form,
            "can_write": can_act_as_self(request.member, record),
            "peer_first_name": first_name(primary_peer_name(record)),
        },
        status=status,
    )


@participant_page(for_write=True)
def details(request):
    """Their phone, email, safe-contact choices and language, changed on their record."""
    record = request.own_record
    can_write = can_act_as_self(request.member, record)
    status = 200
    if request.method == "POST":
        form = DetailsForm(request.POST, record=record)
        if form.is_valid():
            values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                participant_update_own_details(
                    member=request.member,
                    participant=record,
                    expected_version=form.cleaned_data["version"],
                    **values,
                )
                flash.success(request, _("Saved. Your peer sees your new details."))
                return redirect("portal:details")
            except StaleVersion as stale:
                form.add_error(
                    None,
                    _(
                        "Your details were changed meanwhile (perhaps by your peer). Check "
                        "them below and save again."
                    ),
                )
                # What they typed stays; saving again is based on the version now stored.
                form.data = form.data.copy()
                form.data["version"] = str(stale.current.version)
            except ValidationError as error:
                apply_validation_error(form, error)
        status = 400
    else:
        form = DetailsForm(record=record)
    return render(
        request,
        "portal/messages/details.html",
        {"record": record, "form": form, "can_write": can_write},
        status=status,
    )
