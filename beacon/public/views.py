"""The public front door: the home page for people who are not signed in, an organization's
public page (/o/<slug>/) and "Do I need treatment?" (/self-check/). No sign-in, no cookie, no
script, nothing fetched from elsewhere (docs/public-site.md)."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from beacon.findhelp.selectors import TEL_DROPS
from beacon.public import screening, selectors
from beacon.public.forms import FindHelpBox, SelfCheckForm


def home(request):
    """The front door at / for someone not signed in (the signed-in start page is My day's,
    which hands this request here: beacon.myday.views.home)."""
    return render(request, "public/home.html", {"search": FindHelpBox()})


@login_not_required
@require_GET
def organization(request, slug):
    try:
        org = selectors.organization_public_get(slug=slug)
    except Http404:
        # Beacon's 404 page is drawn in the signed-in frame, which sets the CSRF cookie; the
        # public pages set none, not even for an address nobody has.
        return render(request, "public/not_found.html", status=404)
    return render(
        request,
        "public/organization.html",
        {
            "org": org,
            "tel": org.phone.translate(TEL_DROPS),
            # Settings accept only http(s) addresses; one written around them is not a link.
            "website": org.website if org.website.lower().startswith(WEB) else "",
            "services": selectors.organization_public_services(organization=org),
        },
    )


WEB = ("https://", "http://")


# The answers come by POST, so they never appear in an address: not in the browser's history,
# not in a server's or proxy's access log, not in a Referer. Not checked for CSRF, so that the
# page sets no cookie at all: the self-check changes nothing and keeps nothing, and a form sent
# from another site would only show its sender's own answers in the visitor's own browser. If it
# ever fails, Django's error reports leave out the answers (sensitive_*).
@login_not_required
@csrf_exempt
@sensitive_post_parameters()
@sensitive_variables()
@require_http_methods(["GET", "POST"])
def self_check(request):
    # Bound for any POST, an empty one too: sent with nothing chosen, the questions are named.
    form = SelfCheckForm(request.POST if request.method == "POST" else None)
    result = form.result() if request.method == "POST" and form.is_valid() else None
    response = render(
        request,
        "public/self_check.html",
        {"form": form, "result": result, "sources": _SOURCES},
    )
    if request.method == "POST":
        # No copy of the answers or the result in any cache, the browser's included.
        add_never_cache_headers(response)
        patch_cache_control(response, no_store=True, private=True)
    return response


_SOURCES = (
    (screening.AUDITC_NAME, screening.AUDITC_SOURCE),
    (screening.AUDITC_NAME + " cut-offs", screening.AUDITC_CUTOFF_SOURCE),
    (screening.DRUG_SCREEN_NAME, screening.DRUG_SCREEN_SOURCE),
)
