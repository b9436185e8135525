from django.utils.cache import add_never_cache_headers, patch_cache_control


class NoStoreMiddleware:
    """Signed-in pages may hold health information: no browser or proxy may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class StorageProblemMiddleware:
    """A full or failing disk answers 503 with a plain explanation, for pages and the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import HttpResponse, JsonResponse
        from django.template.loader import render_to_string
        from django.utils.translation import gettext as _

        from beacon.core.storage import is_storage_problem

        if not is_storage_problem(exception):
            return None
        import logging

        logging.getLogger("beacon.storage").error(
            "Storage full or failing: %s %s", request.method, request.path, exc_info=exception
        )
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {
                    "error": {
                        "code": "storage_unavailable",
                        "message": _(
                            "Nothing was saved or recorded: the server's storage is full or "
                            "failing. Reads that must be recorded in the audit trail (a "
                            "participant's record) wait too; lists and Find Help still work. "
                            "Try again later."
                        ),
                    }
                },
                status=503,
            )
        else:
            response = HttpResponse(render_to_string("errors/storage.html"), status=503)
        response["Retry-After"] = "300"
        return response
