"""Getting into one's own Beacon (docs/portal.md, "Getting in").

The peer's side, on the participant's page (/participants/<id>/portal/): where it stands,
invite by email or with a code shown on the peer's phone, send again, withdraw, turn off and
on. The participant's side, public (no sign-in yet): the email link's landing, the code entry
page (/my/join/) and the page that sets their password and lets them in.
"""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from beacon.core.access import require_member
from beacon.core.forms import apply_validation_error
from beacon.core.net import client_ip
from beacon.core.ratelimit import Limit, rate_limit_check, wait_text
from beacon.organizations.services import organization_switch
from beacon.participants.permissions import can_edit_participant
from beacon.participants.selectors import participant_get_for_member
from beacon.portal import invite_selectors as selectors
from beacon.portal import invite_services as services
from beacon.portal.invite_forms import InviteEmailForm, JoinAccountForm, JoinCodeForm
from beacon.portal.models import InvitationKind

# Tries of a code: per address, and per code typed from anywhere (settings, 10 minutes).
JOIN_CODES = Limit(scope="portal_join", setting="BEACON_RATE_LIMIT_JOIN_CODES", seconds=600)
JOIN_SAME_CODE = Limit(
    scope="portal_join_code", setting="BEACON_RATE_LIMIT_JOIN_SAME_CODE", seconds=600
)
CODES_LIMITED = gettext_lazy(
    "Too many codes were tried from here in the last few minutes. Please wait %(wait)s, then "
    "try again. Your peer can make a new code if this one runs out of time."
)
# The join in progress: the invitation's id, once its code or link was accepted.
SESSION_KEY = "portal_join"


def _join_url(request, query: str = "") -> str:
    return request.build_absolute_uri(reverse("portal:join")) + query


def _link_url(request):
    return lambda token: request.build_absolute_uri(reverse("portal:join_link", args=[token]))


# The peer's side -----------------------------------------------------------------------------


def _status_page(request, participant, *, email_form=None, status=200):
    member = request.member
    return render(
        request,
        "portal/invite/invitations.html",
        {
            "participant": participant,
            "status": selectors.portal_status(participant=participant),
            "can_edit": can_edit_participant(member, participant),
            "email_form": email_form or InviteEmailForm(),
            "code_minutes": services.CODE_MINUTES,
            "link_days": services.LINK_DAYS,
        },
        status=status,
    )


@require_GET
@require_member
def invitations(request, participant_id):
    """Whether the participant has their own Beacon, and (for staff who may change their
    record) the ways to invite them, turn it off and on."""
    participant = participant_get_for_member(
        member=request.member, pk=participant_id, details=False
    )
    return _status_page(request, participant)


def _for_change(request, participant_id):
    return participant_get_for_member(
        member=request.member, pk=participant_id, for_write=True, details=False
    )


def _back(participant):
    return redirect("portal_peer:invitations", participant_id=participant.pk)


@require_POST
@require_member
def invite_email(request, participant_id):
    participant = _for_change(request, participant_id)
    form = InviteEmailForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_email_send(
                member=request.member,
                participant=participant,
                email=form.cleaned_data["email"],
                join_url=_link_url(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link works once, for %(days)d days.")
                % {"email": invitation.email, "days": services.LINK_DAYS},
            )
            return _back(participant)
    return _status_page(request, participant, email_form=form, status=400)


@require_POST
@require_member
@never_cache
def invite_code(request, participant_id):
    """A new code, shown once on this page (only its hash is kept), with a QR code that opens
    the join page with the code filled in."""
    participant = _for_change(request, participant_id)
    try:
        invitation, code = services.invitation_code_create(
            member=request.member, participant=participant
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(participant)
    join_url = _join_url(request)
    url_with_code = _join_url(request, "?" + urlencode({"code": code}))
    return render(
        request,
        "portal/invite/code.html",
        {
            "participant": participant,
            "invitation": invitation,
            "code": services.format_code(code),
            "join_url": join_url,
            "qr_data_uri": segno.make(url_with_code, error="m").svg_data_uri(
                scale=6, border=2, dark="#000", light="#fff"
            ),
            "minutes": services.CODE_MINUTES,
        },
    )


@require_POST
@require_member
def resend(request, participant_id):
    participant = _for_change(request, participant_id)
    try:
        invitation = services.invitation_resend(
            member=request.member, participant=participant, join_url=_link_url(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Invitation sent again to %(email)s, with a new link (the old one stopped).")
            % {"email": invitation.email},
        )
    return _back(participant)


@require_POST
@require_member
def withdraw(request, participant_id):
    participant = _for_change(request, participant_id)
    if services.invitation_withdraw(member=request.member, participant=participant):
        messages.success(request, _("Invitation withdrawn: its link or code does nothing now."))
    else:
        messages.info(request, _("There was no open invitation to withdraw."))
    return _back(participant)


@require_POST
@require_member
def turn_off(request, participant_id):
    participant = _for_change(request, participant_id)
    try:
        services.portal_turn_off(member=request.member, participant=participant)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Their Beacon is off. Their record stays as it is."))
    return _back(participant)


@require_POST
@require_member
def turn_on(request, participant_id):
    participant = _for_change(request, participant_id)
    try:
        services.portal_turn_on(member=request.member, participant=participant)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Their Beacon is on again."))
    return _back(participant)


# The participant's side (public: no sign-in yet) ---------------------------------------------


def _start_join(request, invitation) -> None:
    request.session[SESSION_KEY] = str(invitation.pk)


def _limited(request, code: str) -> int | None:
    return rate_limit_check(limit=JOIN_CODES, ip=client_ip(request)) or rate_limit_check(
        limit=JOIN_SAME_CODE, ip=f"code-{code}"
    )


@login_not_required
@never_cache
def join(request):
    """Type the code from the peer's phone (the QR code opens this page with it filled in)."""
    form = JoinCodeForm(request.POST or None, initial={"code": request.GET.get("code", "")[:20]})
    wait = None
    if request.method == "POST" and form.is_valid():
        code = services.normalize_code(form.cleaned_data["code"])
        wait = _limited(request, code)
        if wait:
            form.add_error(None, CODES_LIMITED % {"wait": wait_text(wait)})
        else:
            try:
                invitation = services.invitation_for_code(code)
            except services.JoinProblem as problem:
                form.add_error("code", services.JOIN_PROBLEMS[problem.reason])
            else:
                _start_join(request, invitation)
                return redirect("portal:join_account")
    response = render(
        request, "portal/invite/join.html", {"form": form}, status=429 if wait else 200
    )
    if wait:
        response["Retry-After"] = str(wait)
    return response


@login_not_required
@never_cache
@require_GET
def join_link(request, token):
    """The email invitation's link: on to setting a password (the token leaves the address)."""
    try:
        invitation = services.invitation_for_link(token)
    except services.JoinProblem as problem:
        return render(
            request,
            "portal/invite/join_problem.html",
            {"problem": services.JOIN_PROBLEMS[problem.reason]},
            status=404 if problem.reason == "wrong" else 410,
        )
    _start_join(request, invitation)
    return redirect("portal:join_account")


@login_not_required
@never_cache
@sensitive_post_parameters("password1", "password2")
def join_account(request):
    """Set a password (or use the sign-in one is signed in with) and open one's own Beacon."""
    pending = request.session.get(SESSION_KEY)
    if not pending:
        return redirect("portal:join")
    try:
        invitation = services.invitation_for_session(pending)
    except services.JoinProblem as problem:
        request.session.pop(SESSION_KEY, None)
        messages.error(request, services.JOIN_PROBLEMS[problem.reason])
        return redirect("portal:join")
    user = request.user if request.user.is_authenticated else None
    fixed_email = invitation.email if invitation.kind == InvitationKind.EMAIL else ""
    form = None if user else JoinAccountForm(request.POST or None, fixed_email=fixed_email)
    problem = ""
    if request.method == "POST" and (user is not None or form.is_valid()):
        try:
            account = services.invitation_accept(
                invitation=invitation,
                user=user,
                email=form.email_value if form else "",
                password=form.cleaned_data["password1"] if form else "",
            )
        except ValidationError as exc:
            if form is not None:
                apply_validation_error(form, exc)
            else:
                problem = " ".join(exc.messages)
        else:
            request.session.pop(SESSION_KEY, None)
            if user is None:
                login(request, account, backend="django.contrib.auth.backends.ModelBackend")
            organization_switch(user=account, organization=invitation.participant.organization)
            messages.success(request, _("Welcome to your own Beacon."))
            return redirect("portal:home")
    return render(
        request,
        "portal/invite/join_account.html",
        {
            "form": form,
            "fixed_email": fixed_email,
            "problem": problem,
            "login_url": reverse("accounts:login")
            + "?"
            + urlencode({"next": reverse("portal:join_account")}),
        },
    )
