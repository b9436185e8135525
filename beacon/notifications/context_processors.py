from beacon.notifications.selectors import unread_count


def unread_notifications(request):
    """`notification_unread_count` for the navigation badge
    (notifications/partials/_badge.html). One small indexed count per page."""
    member = getattr(request, "member", None)
    if member is None:
        return {}
    return {
        "notification_unread_count": lambda: unread_count(
            request.user, organization=member.organization
        )
    }
