"""Referral pages. Every referral is loaded through selectors (404 for anyone on neither
side), the sending side's reads are recorded as views of the participant's record, and the
receiving side sees only what was shared."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.consents import services as consent_services
from beacon.consents.forms import (
    consent_forms,
    recipient_values,
    show_consent_errors,
)
from beacon.core.access import require_member, require_role
from beacon.core.concurrency import StaleVersion
from beacon.core.forms import apply_validation_error
from beacon.core.search import SearchBox
from beacon.organizations.models import STAFF_ROLES
from beacon.participants.selectors import participant_get_for_member
from beacon.participants.services import participant_viewed
from beacon.referrals import selectors, services
from beacon.referrals.forms import ReferralForm, ShareResourceForm, StatusForm
from beacon.referrals.permissions import (
    can_refer,
    is_sender,
    receiver_on_beacon,
    statuses_allowed,
)

# A referral refused for want of a consent is kept here, in the server-side session, while
# the consent is recorded (issue 15): one draft per participant, what was typed as typed.
DRAFTS = "referral_drafts"
DRAFT_FIELDS = (
    "service",
    "external_name",
    "external_organization",
    "external_contact",
    "reason",
    "urgency",
    "warm_handoff",
    "shared_items",
    "shared_other",
    "follow_up_due_on",
)


def _draft_keep(request, participant, data, *, refusal) -> None:
    drafts = request.session.get(DRAFTS, {})
    drafts[str(participant.pk)] = {
        "data": {
            name: data.getlist(name) if name == "shared_items" else data.get(name, "")
            for name in DRAFT_FIELDS
        },
        "recipient": refusal.recipient,
        "directory_organization": str(refusal.directory_organization.pk)
        if refusal.directory_organization is not None
        else "",
        "directory_service": str(refusal.directory_service.pk)
        if refusal.directory_service is not None
        else "",
    }
    request.session[DRAFTS] = drafts


def _draft(request, participant) -> dict | None:
    return request.session.get(DRAFTS, {}).get(str(participant.pk))


def _draft_drop(request, participant) -> None:
    drafts = request.session.get(DRAFTS, {})
    if drafts.pop(str(participant.pk), None) is not None:
        request.session[DRAFTS] = drafts


@require_member
def referral_new(request, participant_id):
    member = request.member
    participant = participant_get_for_member(member=member, pk=participant_id)
    if not can_refer(member, participant):
        raise PermissionDenied
    search = SearchBox({"q": request.GET.get("q") or request.POST.get("q") or ""})
    query = search.text
    draft = _draft(request, participant) if request.GET.get("draft") else None
    service_id = (
        request.GET.get("service")
        or request.POST.get("service")
        or (draft["data"].get("service") if draft else None)
    )
    service = selectors.service_get(pk=service_id) if service_id else None
    status = 200
    refusal = None
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
                # Said once, with the way forward beside it (the page's "consent needed" panel).
                refusal = exc
                _draft_keep(request, participant, request.POST, refusal=exc)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                _draft_drop(request, participant)
                messages.success(request, _("Referral sent to %(to)s.") % {"to": str(referral)})
                return redirect("referrals:detail", referral_id=referral.pk)
        status = 400
    elif draft is not None:
        # Back from recording the consent: the referral as it was left.
        form = ReferralForm(
            initial={**draft["data"], "warm_handoff": bool(draft["data"].get("warm_handoff"))}
        )
        participant_viewed(member=member, participant=participant, seen="referral_form")
    else:
        form = ReferralForm(initial={"service": service.pk if service else None})
        participant_viewed(member=member, participant=participant, seen="referral_form")
    searching = bool(query) and service is None
    origin = (
        selectors.search_origin(member=member, zip_code=request.GET.get("zip", ""))
        if searching or service is not None
        else None
    )
    return render(
        request,
        "referrals/new.html",
        {
            "form": form,
            "participant": participant,
            "query": request.GET.get("q") or request.POST.get("q") or "" if search.error else query,
            "search_error": search.error,
            "service": service,
            "service_result": selectors.service_results([service], origin=origin)[0]
            if service
            else None,
            "results": selectors.service_results(
                selectors.service_search(query=query), origin=origin
            )
            if searching
            else [],
            "origin": origin,
            "zip": request.GET.get("zip", "").strip()[:5],
            "zip_unknown": bool(request.GET.get("zip", "").strip())
            and (origin is None or origin["source"] != "typed"),
            "refusal": refusal,
            "from_draft": draft is not None,
        },
        status=status,
    )


@require_member
def referral_consent(request, participant_id):
    """ "Record the consent now": the consent a refused referral needs, with everything known
    filled in (the recipient chosen from the directory, the purpose, what is shared), recorded
    through consents' own service; then back to the referral as it was left."""
    member = request.member
    participant = participant_get_for_member(member=member, pk=participant_id)
    if not can_refer(member, participant):
        raise PermissionDenied
    draft = _draft(request, participant)
    if draft is None:
        messages.info(request, _("Start the referral again: nothing was kept for it."))
        return redirect("referrals:new", participant_id=participant.pk)
    post = request.POST if request.method == "POST" else None
    known = selectors.consent_prefill(participant=participant, draft=draft)
    form, formset, judge = consent_forms(
        post, initial=known["consent"], initial_rows=known["recipients"]
    )
    recipient_errors: list[str] = []
    status = 200
    if judge:
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        values = {**form.values(), "recipients": recipient_values(formset)}
        if form_ok and formset_ok:
            try:
                consent_services.consent_record(member=member, participant=participant, **values)
            except ValidationError as exc:
                recipient_errors = show_consent_errors(form, formset, exc)
            else:
                messages.success(request, _("Consent recorded."))
                url = reverse("referrals:new", kwargs={"participant_id": participant.pk})
                return redirect(f"{url}?draft=1")
        else:
            problems = consent_services.consent_problems(participant=participant, **values)
            recipient_errors = show_consent_errors(
                form, formset, ValidationError(problems), only_new=True
            )
        status = 400
    else:
        participant_viewed(member=member, participant=participant, seen="consent_form")
    return render(
        request,
        "referrals/consent.html",
        {
            "participant": participant,
            "form": form,
            "formset": formset,
            "recipient_errors": recipient_errors,
            "recipient": draft["recipient"],
            "default_revocation_instructions": consent_services.default_revocation_instructions(
                participant.organization
            ),
            "cancel_url": reverse("referrals:new", kwargs={"participant_id": participant.pk})
            + "?draft=1",
        },
        status=status,
    )


def _detail_context(member, referral, form=None):
    allowed = statuses_allowed(member, referral)
    sender = is_sender(member, referral)
    service = referral.to_service
    return {
        # Where the service is, its phone and hours, from the directory as it is now.
        "service_result": selectors.service_results([service])[0] if service else None,
        "provider_email": selectors.provider_email(service) if sender and service else "",
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
                appointment_at=form.cleaned_data["appointment_at"],
                appointment_place=form.cleaned_data["appointment_place"],
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


def _sent_referral(member, referral_id):
    """A referral of the sending side: 404 for anyone who cannot see it, 403 for the receiving
    side (what the participant is handed, and emailing the provider, are the sender's)."""
    referral = selectors.referral_get_for_member(member=member, pk=referral_id)
    if not is_sender(member, referral) or not can_refer(member, referral.participant):
        raise PermissionDenied
    return referral


@require_member
def referral_print(request, referral_id):
    """The referral to hand the participant: where, when, the phone, what to bring; nothing of
    what was shared or noted."""
    member = request.member
    referral = _sent_referral(member, referral_id)
    participant_viewed(
        member=member, participant=referral.participant, seen="referral_print", target=referral
    )
    service = referral.to_service
    return render(
        request,
        "referrals/print.html",
        {
            "referral": referral,
            "participant": referral.participant,
            "service_result": selectors.service_results([service])[0] if service else None,
            "documents": selectors.service_documents(service) if service else [],
        },
    )


@require_POST
@require_member
def referral_email(request, referral_id):
    """Send the referral to the provider at the address the directory has (EmailReferral)."""
    member = request.member
    referral = _sent_referral(member, referral_id)
    try:
        services.EmailReferral(member=member, referral=referral).execute()
    except services.ConsentRequired as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Sent by email to %(address)s, with the notice it needs. It is in the history below.")
            % {"address": selectors.provider_email(referral.to_service)},
        )
    return redirect("referrals:detail", referral_id=referral.pk)


@require_member
def participant_resources(request, participant_id):
    """The directory services shared with the participant (they see them in their own Beacon,
    /my/resources/), a search of the directory, and sharing one more."""
    member = request.member
    participant = participant_get_for_member(member=member, pk=participant_id)
    if not can_refer(member, participant):
        raise PermissionDenied
    search = SearchBox({"q": request.GET.get("q") or ""})
    query = search.text
    status = 200
    form = ShareResourceForm()
    if request.method == "POST":
        form = ShareResourceForm(request.POST)
        if form.is_valid():
            service = selectors.service_get(pk=form.cleaned_data["service"])
            try:
                shared = services.resource_share(
                    member=member,
                    participant=participant,
                    service=service,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Shared %(service)s with %(name)s.")
                    % {"service": shared.service.name, "name": participant.display_name},
                )
                return redirect("referrals:resources", participant_id=participant.pk)
        status = 400
    participant_viewed(member=member, participant=participant, seen="shared_resources")
    return render(
        request,
        "referrals/resources.html",
        {
            "participant": participant,
            "form": form,
            "query": request.GET.get("q") or "" if search.error else query,
            "search_error": search.error,
            "shared": selectors.shared_services(participant=participant),
            "results": selectors.service_results(selectors.service_search(query=query))
            if query
            else [],
        },
        status=status,
    )


@require_POST
@require_member
def participant_resource_remove(request, participant_id, shared_id):
    """Stop sharing a service with the participant."""
    member = request.member
    participant = participant_get_for_member(member=member, pk=participant_id)
    if not can_refer(member, participant):
        raise PermissionDenied
    shared = selectors.shared_resource_get(member=member, participant=participant, pk=shared_id)
    services.resource_unshare(member=member, shared=shared)
    messages.success(
        request,
        _("%(service)s is no longer shared with %(name)s.")
        % {"service": shared.service.name, "name": participant.display_name},
    )
    return redirect("referrals:resources", participant_id=participant.pk)
