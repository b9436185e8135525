"""The staff side of a participant's messages: `/participants/<id>/messages/`, reached from
the participant's page, My day and the notification (docs/portal.md, "Messages")."""

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from beacon.core.access import require_member
from beacon.core.forms import apply_validation_error
from beacon.messaging import selectors, services
from beacon.messaging.forms import MessageForm
from beacon.participants.services import participant_viewed


@require_member
def participant_messages(request, participant_id):
    """Read the conversation (the participant's messages are then read) and answer it."""
    participant = selectors.thread_participant_get(member=request.member, pk=participant_id)
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                services.message_answer(
                    member=request.member,
                    participant=participant,
                    body=form.cleaned_data["body"],
                    build_url=request.build_absolute_uri,
                )
                flash.success(request, _("Sent. They are told by email that there is a message."))
                return redirect("messaging:thread", participant.pk)
            except ValidationError as error:
                apply_validation_error(form, error)
        status = 400
    else:
        form = MessageForm()
    # Read before it is marked read, so what is new shows as new once.
    thread = selectors.thread(participant=participant)
    if request.method != "POST":
        services.messages_mark_read(participant=participant, by_participant=False)
    participant_viewed(member=request.member, participant=participant, seen="messages")
    return render(
        request,
        "messaging/thread.html",
        {
            "participant": participant,
            "thread": thread,
            "participant_side": False,
            "form": form,
            "organization": participant.organization,
        },
        status=status,
    )
