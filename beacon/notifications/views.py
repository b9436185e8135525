from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.core.access import require_member
from beacon.notifications import selectors, services


@require_member
def notification_list(request):
    notifications = list(selectors.notification_list(member=request.member)[:100])
    return render(
        request,
        "notifications/list.html",
        {
            "notifications": notifications,
            "unread": sum(1 for n in notifications if n.is_unread),
        },
    )


@require_POST
@require_member
def notification_read(request, notification_id):
    """Mark one read; with `open`, go on to what it is about."""
    notification = selectors.notification_get_for_member(
        member=request.member, pk=notification_id, for_write=True
    )
    services.notification_mark_read(member=request.member, notification=notification)
    if "open" in request.POST and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts=None
    ):
        return redirect(notification.url)
    if request.htmx:
        return render(request, "notifications/partials/_badge_count.html", _badge_context(request))
    return redirect("notifications:list")


@require_POST
@require_member
def notification_read_all(request):
    count = services.notifications_mark_all_read(member=request.member)
    if count:
        messages.success(request, _("All notifications marked as read."))
    return redirect("notifications:list")


def _badge_context(request):
    return {
        "notification_unread_count": selectors.unread_count(
            request.user, organization=request.member.organization
        )
    }


@require_member
def notification_badge(request):
    """The unread count inside the navigation's link, which htmx polls every 10 s
    (notifications/partials/_badge.html). Besides the signed-in request's own reads (session,
    user, membership), one indexed count."""
    return render(request, "notifications/partials/_badge_count.html", _badge_context(request))
