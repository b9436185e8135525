"""Referral pages. Every referral is loaded through selectors (404 for anyone on neither
side), the sending side's reads are recorded as views of the participant's record, and the
receiving side sees only what was shared."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.core.access import require_member, require_role
from beacon.core.concurrency import StaleVersion
from beacon.core.forms import apply_validation_error
from beacon.core.search import SearchBox
from beacon.organizations.models import STAFF_ROLES
from beacon.participants.selectors import participant_get_for_member
from beacon.participants.services import participant_viewed
from beacon.referrals import selectors, services
from beacon.referrals.forms import ReferralForm, StatusForm
from beacon.referrals.permissions import (
    can_refer,
    is_sender,
    receiver_on_beacon,
    statuses_allowed,
)


@require_member
def referral_new(request, participant_id):
    member = request.member
    participant = participant_get_for_member(member=member, pk=participant_id)
    if not can_refer(member, participant):
        raise PermissionDenied
    search = SearchBox({"q": request.GET.get("q") or request.POST.get("q") or ""})
    query = search.text
    service_id = request.GET.get("service") or request.POST.get("service")
    service = selectors.service_get(pk=service_id) if service_id else None
    status = 200
    if request.method == "POST":
        form = ReferralForm(request.POST)
        if form.is_valid():
            action = services.SendReferral(
                member=member,
                participant=participant,
                to_service=service,
                **form.service_values(),
            )
            try:
                referral = action.execute()
            except services.ConsentRequired as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Referral sent to %(to)s.") % {"to": str(referral)})
                return redirect("referrals:detail", referral_id=referral.pk)
        status = 400
    else:
        form = ReferralForm(initial={"service": service.pk if service else None})
        participant_viewed(member=member, participant=participant, seen="referral_form")
    return render(
        request,
        "referrals/new.html",
        {
            "form": form,
            "participant": participant,
            "query": request.GET.get("q") or request.POST.get("q") or "" if search.error else query,
            "search_error": search.error,
            "service": service,
            "results": selectors.service_search(query=query) if query and not service else [],
        },
        status=status,
    )


def _detail_context(member, referral, form=None):
    allowed = statuses_allowed(member, referral)
    sender = is_sender(member, referral)
    return {
        "referral": referral,
        "sender": sender,
        "snapshot": referral.shared_snapshot,
        "history": selectors.referral_history(referral=referral),
        "disclosures": selectors.referral_disclosures(referral=referral),
        "status_form": form
        or (
            StatusForm(initial={"version": referral.version}, allowed=allowed) if allowed else None
        ),
        "receiver_on_beacon": receiver_on_beacon(referral),
    }


def _viewed(member, referral):
    if is_sender(member, referral):
        participant_viewed(
            member=member, participant=referral.participant, seen="referral", target=referral
        )
    else:
        services.referral_viewed_by_receiver(member=member, referral=referral)


@require_member
def referral_detail(request, referral_id):
    referral = selectors.referral_get_for_member(member=request.member, pk=referral_id)
    _viewed(request.member, referral)
    return render(request, "referrals/detail.html", _detail_context(request.member, referral))


@require_POST
@require_member
def referral_status(request, referral_id):
    member = request.member
    referral = selectors.referral_get_for_member(member=member, pk=referral_id, for_write=True)
    form = StatusForm(request.POST, allowed=statuses_allowed(member, referral))
    status = 400
    if form.is_valid():
        try:
            services.referral_status_change(
                member=member,
                referral=referral,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion as exc:
            referral = selectors.referral_get_for_member(member=member, pk=exc.current.pk)
            form = StatusForm(
                initial={"version": referral.version},
                allowed=statuses_allowed(member, referral),
            )
            messages.warning(
                request,
                _(
                    "Someone recorded something on this referral since you opened it. Here it "
                    "is as it stands now; choose again."
                ),
            )
            status = 409
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("referrals:detail", referral_id=referral.pk)
    _viewed(member, referral)
    return render(
        request,
        "referrals/detail.html",
        _detail_context(member, referral, form if len(form.fields["status"].choices) > 1 else None),
        status=status,
    )


@require_role(*STAFF_ROLES)
def referral_inbox(request):
    """Referrals addressed to this organization by others on this Beacon (a staff page)."""
    status = request.GET.get("status") or None
    page = selectors.referral_inbox_page(
        member=request.member, status=status, before=request.GET.get("before")
    )
    return render(
        request,
        "referrals/inbox.html",
        {"referrals": page.referrals, "next_before": page.next_before, "status": status},
    )


@require_member
def participant_disclosures(request, participant_id):
    """The participant's accounting of disclosures: the past three years (42 CFR 2.25)."""
    member = request.member
    participant = participant_get_for_member(member=member, pk=participant_id)
    participant_viewed(member=member, participant=participant, seen="disclosures")
    return render(
        request,
        "referrals/disclosures.html",
        {
            "participant": participant,
            "disclosures": selectors.accounting_of_disclosures(
                member=member, participant=participant
            ),
            "years": selectors.ACCOUNTING_YEARS,
        },
    )
