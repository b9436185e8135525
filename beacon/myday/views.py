from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beacon.core.access import require_role
from beacon.core.views import page_number
from beacon.matching.permissions import can_match
from beacon.matching.selectors import needs_a_peer
from beacon.myday.display import day_items
from beacon.myday.selectors import PAGE_ROWS, my_day, my_day_list
from beacon.organizations.models import Role
from beacon.public import views as public_views
from beacon.reports.permissions import sees_networks

# "See all": the address of each list, its MyDay field and its rows' template.
LISTS = {
    "outreach": ("outreach", "myday/rows/_outreach.html"),
    "follow-ups": ("follow_ups", "myday/rows/_follow_ups.html"),
    "plan-reviews": ("plan_reviews", "myday/rows/_plan_reviews.html"),
    "referrals": ("referral_follow_ups", "myday/rows/_referral_follow_ups.html"),
    "no-contact": ("no_contact", "myday/rows/_no_contact.html"),
    "new-assignments": ("new_assignments", "myday/rows/_new_assignments.html"),
    "crisis-flags": ("crisis_flags", "myday/rows/_crisis_flags.html"),
    "caseloads": ("caseloads", "myday/rows/_caseloads.html"),
    "comments": ("review_comments", "myday/rows/_review_comments.html"),
    "messages": ("unread_messages", "myday/rows/_unread_messages.html"),
    "plan-updates": ("plan_updates", "myday/rows/_plan_updates.html"),
    "peer-requests": ("peer_requests", "myday/rows/_peer_requests.html"),
    "program-assessments": ("program_assessments", "myday/rows/_program_assessments.html"),
}


@login_not_required
def home(request):
    """Signed in: the person's start page (My day for staff). Signed out: the public front
    door (beacon/public, docs/public-site.md). It lives here, not in core, because it is My day
    (core imports no app)."""
    if not request.user.is_authenticated:
        return public_views.home(request)
    member = getattr(request, "member", None)
    if member is not None and member.is_staff_role:
        return _my_day(request, member)
    if member is not None and member.role == Role.PARTICIPANT:
        return redirect("portal:home")  # their own Beacon (docs/portal.md)
    if member is None and not request.user.is_platform_admin and sees_networks(request.user):
        return redirect("reports:index")  # a network viewer: the statewide view (issue 20)
    return render(request, "core/home.html")


@require_role(Role.PEER, Role.SUPERVISOR, Role.ORG_ADMIN)
def my_day_page(request):
    """The same page staff get at `/`; kept at /my-day/ for bookmarks and links."""
    return _my_day(request, request.member)


def _my_day(request, member):
    day = my_day(member=member)
    # Supervisors and admins: who is waiting for a peer (beacon/matching, docs/matching.md).
    needs_peer = needs_a_peer(member.organization) if can_match(member) else None
    return render(
        request,
        "myday/my_day.html",
        {"day": day, "lists": day_items(day), "needs_peer": needs_peer},
    )


@require_role(Role.PEER, Role.SUPERVISOR, Role.ORG_ADMIN)
def my_day_list_page(request, slug):
    """One list of My day in full, PAGE_ROWS at a time: where "See all" leads."""
    if slug not in LISTS:
        raise Http404
    name, rows_template = LISTS[slug]
    page = page_number(request)
    try:
        day = my_day_list(member=request.member, name=name, page=page)
    except LookupError:
        raise Http404 from None
    section = getattr(day, name)
    if page > 1 and not section.rows:
        raise Http404
    pages = max(1, -(-section.total // PAGE_ROWS))
    return render(
        request,
        "myday/list.html",
        {
            "day": day,
            "section": section,
            "items": day_items(day).get(name, section.rows),
            "rows_template": rows_template,
            "title": _title(name, section.total),
            "help": _help(name, day),
            "page": page,
            "pages": pages,
        },
    )


def _title(name: str, total: int) -> str:
    # The headings My day gives these lists, word for word.
    titles = {
        "follow_ups": _("Follow-ups due (%(total)s)"),
        "plan_reviews": _("Plan reviews due (%(total)s)"),
        "referral_follow_ups": _("Referrals waiting for an outcome (%(total)s)"),
        "no_contact": _("No contact in a while (%(total)s)"),
        "new_assignments": _("New assignments (%(total)s)"),
        "crisis_flags": _("Crisis flags (%(total)s)"),
        "outreach": _("Asked you to reach out (%(total)s)"),
        "caseloads": _("Caseload sizes (%(total)s)"),
        "review_comments": _("Comments on your notes (%(total)s)"),
        "unread_messages": _("Unread messages from participants (%(total)s)"),
        "plan_updates": _("From participants' plans (%(total)s)"),
        "peer_requests": _("Asked to talk to a peer (%(total)s)"),
        "program_assessments": _("Funder assessments due (%(total)s)"),
    }
    return titles[name] % {"total": total}


def _help(name: str, day) -> str:
    if name == "no_contact":
        return ngettext(
            "Participants without contact for more than %(counter)s day.",
            "Participants without contact for more than %(counter)s days.",
            day.overdue_after_days,
        ) % {"counter": day.overdue_after_days}
    if name == "crisis_flags":
        return ngettext(
            "Open flags first, however old; then those resolved in the last day.",
            "Open flags first, however old; then those resolved in the last %(counter)s days.",
            day.recent_days,
        ) % {"counter": day.recent_days}
    return ""
