"""Directory import pages: start an import, follow its progress, look back at past ones.

Organization admins and platform admins only (beacon/directory/imports/permissions.py); an import
they may not see is a 404, like one that does not exist.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from beacon.core.forms import apply_validation_error
from beacon.directory.imports import selectors as selectors
from beacon.directory.imports import services as services
from beacon.directory.imports.forms import DirectoryImportForm
from beacon.directory.imports.permissions import can_import_directory


def _allowed(request) -> None:
    if not can_import_directory(request.user, request.member):
        raise PermissionDenied


def import_list(request):
    _allowed(request)
    imports = list(selectors.directory_imports_for(user=request.user, member=request.member))
    services.directory_imports_settle(imports)
    return render(request, "directory/imports/list.html", {"imports": imports})


def import_new(request):
    _allowed(request)
    status = 200
    if request.method == "POST":
        form = DirectoryImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                record = services.directory_import_start(
                    actor=request.user,
                    organization=request.member.organization if request.member else None,
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return redirect("directory_imports:detail", import_id=record.pk)
        status = 400
    else:
        form = DirectoryImportForm()
    return render(request, "directory/imports/new.html", {"form": form}, status=status)


def _progress_context(record, *, fragment=False):
    return {"record": record, "progress": services.progress_read(record), "fragment": fragment}


def _load(request, import_id):
    record = selectors.directory_import_get_for(
        user=request.user, member=request.member, pk=import_id
    )
    services.directory_imports_settle([record])
    return record


def import_detail(request, import_id):
    _allowed(request)
    record = _load(request, import_id)
    return render(request, "directory/imports/detail.html", _progress_context(record))


@require_POST
def import_retry(request, import_id):
    """Try a failed import again, with the same file: a new import, with its own page."""
    _allowed(request)
    record = _load(request, import_id)
    try:
        retry = services.directory_import_retry(actor=request.user, record=record)
    except (services.NotRetryable, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("directory_imports:detail", import_id=record.pk)
    return redirect("directory_imports:detail", import_id=retry.pk)


def import_progress(request, import_id):
    """The progress fragment, polled by htmx while the import is queued or running."""
    _allowed(request)
    record = _load(request, import_id)
    return render(
        request,
        "directory/imports/partials/_progress.html",
        _progress_context(record, fragment=True),
    )
