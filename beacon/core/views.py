from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from beacon.myday.selectors import my_day


@login_not_required
def home(request):
    """Signed in: the person's start page (My day for staff). Signed out: what Beacon is, and
    the way in."""
    if not request.user.is_authenticated:
        return render(request, "core/welcome.html")
    member = getattr(request, "member", None)
    if member is not None and member.is_staff_role:
        return render(request, "myday/my_day.html", {"day": my_day(member=member)})
    return render(request, "core/home.html")


@login_not_required
@require_GET
@never_cache
def healthz(request):
    """For load balancers and monitors: no sign-in, no personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means unhealthy
        return JsonResponse(
            {"status": "error", "database": "unavailable", "detail": exc.__class__.__name__},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok", "vendor": connection.vendor})
