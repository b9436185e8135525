from django.shortcuts import render

from beacon.core.access import require_role
from beacon.myday.selectors import my_day
from beacon.organizations.models import Role


@require_role(Role.PEER, Role.SUPERVISOR, Role.ORG_ADMIN)
def my_day_page(request):
    """The same page staff get at `/`; kept at /my-day/ for bookmarks and links."""
    return render(request, "myday/my_day.html", {"day": my_day(member=request.member)})
