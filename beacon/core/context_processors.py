from django.conf import settings


def beacon(request):
    return {
        "beacon_env": settings.BEACON_ENV,
        "member": getattr(request, "member", None),
        "memberships": getattr(request, "memberships", ()),
    }
