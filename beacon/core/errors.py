"""Error pages that keep the crisis line and navigation, and API errors in the API's shape."""

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def _api_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def bad_request(request, exception=None):
    if request.path.startswith("/api/"):
        return _api_error(400, "bad_request", _("The request could not be understood."))
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    if request.path.startswith("/api/"):
        return _api_error(403, "forbidden", _("Your role does not allow this."))
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return _api_error(404, "not_found", _("Not found."))
    return render(request, "errors/404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return _api_error(500, "server_error", _("Something went wrong on our side."))
    # No request context here: the failure may be in the context processors themselves.
    return HttpResponseServerError(render_to_string("errors/500.html"))


def csrf_failure(request, reason=""):
    """A form sent from a page that expired (or from another site). Say what to do."""
    if request.path.startswith("/api/"):
        return _api_error(
            403, "csrf_failed", _("Send the CSRF token (X-CSRFToken) with session requests.")
        )
    return render(request, "errors/csrf.html", status=403)
