"""Talk to a peer: the public form (no sign-in, no scripts, no cookie but the form's CSRF
cookie) and the supervisors' side of its requests: one request, first contact, close, intake.
Loaded through peer_requests_visible_to: another organization's request is 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from beacon.core.access import require_role
from beacon.core.forms import apply_validation_error
from beacon.core.net import client_ip
from beacon.core.ratelimit import rate_limit_check, wait_text
from beacon.participants import permissions as participant_permissions
from beacon.participants.views import intake_page
from beacon.peerrequests import selectors, services
from beacon.peerrequests.forms import CloseForm, TalkToAPeerForm
from beacon.peerrequests.permissions import HANDLERS
from beacon.peerrequests.ratelimits import PEER_REQUESTS

LIMITED = gettext_lazy(
    "Too many requests have come from your connection in the last few minutes. Please try "
    "again in %(wait)s. What you wrote is still here. If you need to talk to someone now, "
    "call or text 988."
)
NOBODY_SERVES = gettext_lazy(
    "No peer organization on this site takes requests for ZIP code %(zip)s yet. Check the ZIP "
    "code, or use Find Help to find support near you. If you need to talk to someone now, "
    "call or text 988."
)


@login_not_required
def talk(request):
    """The public form. `?o=<slug or id>`: the organization's own link (its public page links
    here); without it, the organization serving the ZIP code (selectors)."""
    named = selectors.organization_named(request.GET.get("o"))
    form = TalkToAPeerForm(request.POST or None)
    wait = None
    if request.method == "POST" and form.is_valid():
        zip_code = form.cleaned_data["zip_code"]
        organization = named or selectors.organization_for_zip(zip_code)
        if organization is None:
            form.add_error("zip_code", NOBODY_SERVES % {"zip": zip_code})
        elif wait := rate_limit_check(limit=PEER_REQUESTS, ip=client_ip(request)):
            form.add_error(None, LIMITED % {"wait": wait_text(wait)})
        else:
            try:
                peer_request = services.peer_request_create(
                    organization=organization,
                    consented=form.cleaned_data["consent"],
                    build_url=request.build_absolute_uri,
                    **form.request_values(),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return render(
                    request,
                    "peerrequests/thanks.html",
                    {"peer_request": peer_request, "organization": organization},
                )
    response = render(
        request,
        "peerrequests/talk.html",
        {"form": form, "organization": named, "asked_for": request.GET.get("o")},
        status=429 if wait else 200,
    )
    if wait:
        response["Retry-After"] = str(wait)
    return response


def _detail(request, peer_request, *, close_form=None, status=200):
    member = request.member
    services.peer_request_viewed(member=member, requests=[peer_request])
    return render(
        request,
        "peerrequests/detail.html",
        {
            "peer_request": peer_request,
            "close_form": close_form or CloseForm(),
            "can_see_participant": peer_request.participant_id
            and participant_permissions.participants_visible_to(member)
            .filter(pk=peer_request.participant_id)
            .exists(),
        },
        status=status,
    )


@require_role(*HANDLERS)
def detail(request, peer_request_id):
    peer_request = selectors.peer_request_get_for_member(member=request.member, pk=peer_request_id)
    return _detail(request, peer_request)


def _back(request, peer_request):
    if request.POST.get("back") == "myday":
        return redirect("core:home")
    return redirect("peerrequests:detail", peer_request.pk)


@require_role(*HANDLERS)
@require_POST
def contacted(request, peer_request_id):
    member = request.member
    peer_request = selectors.peer_request_get_for_member(
        member=member, pk=peer_request_id, for_write=True
    )
    try:
        services.RecordFirstContact(member=member, request=peer_request).execute()
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("First contact recorded with %(name)s.") % {"name": peer_request.name}
        )
    return _back(request, peer_request)


@require_role(*HANDLERS)
@require_POST
def close(request, peer_request_id):
    member = request.member
    peer_request = selectors.peer_request_get_for_member(
        member=member, pk=peer_request_id, for_write=True
    )
    form = CloseForm(request.POST)
    if form.is_valid():
        action = services.ClosePeerRequest(
            member=member,
            request=peer_request,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        try:
            action.execute()
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("The request from %(name)s is closed.") % {"name": peer_request.name}
            )
            return redirect("core:home")
    return _detail(request, peer_request, close_form=form, status=400)


@require_role(*HANDLERS)
def intake(request, peer_request_id):
    """The participants' intake page, first filled from the request; enrolling marks the
    request done (EnrollFromPeerRequest). Likely duplicates are shown as on the intake page."""
    member = request.member
    peer_request = selectors.peer_request_get_for_member(
        member=member, pk=peer_request_id, for_write=request.method == "POST"
    )
    if not peer_request.is_open:
        messages.warning(
            request,
            _("This request is already %(status)s.")
            % {"status": peer_request.get_status_display().lower()},
        )
        return redirect("peerrequests:detail", peer_request.pk)
    if request.method != "POST":
        services.peer_request_viewed(member=member, requests=[peer_request])
    return intake_page(
        request,
        enroll=lambda **values: services.EnrollFromPeerRequest(
            member=member, request=peer_request, **values
        ),
        initial=selectors.intake_initial(peer_request),
        context={"template": "peerrequests/intake.html", "peer_request": peer_request},
    )
