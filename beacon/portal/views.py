"""The participant's own pages (/my/): phone first, plain words (docs/portal.md)."""

from __future__ import annotations

from django.shortcuts import render

from beacon.portal import selectors
from beacon.portal.access import participant_page


@participant_page
def home(request):
    """Their next step, their peer, their organization's phone, and help now."""
    return render(request, "portal/home.html", {"home": selectors.home(record=request.own_record)})
