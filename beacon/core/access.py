"""The one mechanism that decides whether a person may load a record.

Every app's permissions.py answers two questions for its records (docs/permissions.md):
  * `<entities>_visible_to(member)`: the queryset of records this member may see at all;
  * `can_<verb>_<entity>(member, obj)`: whether they may change one they can see.
Views and API endpoints load records only through `load_visible()` with those two answers:
  * not visible (another organization, another caseload, or no such record): 404, identical to
    a record that does not exist, so existence never leaks across organizations;
  * visible but not changeable by this role, when asked for writing: 403.
Records that hang off one loaded so (a plan's goals, a participant's assignments) are loaded
through `load_child()`, with the same 404. Refusals of records that do exist are written to the
audit trail, and so is every read of a participant's record that a record handed out here shows
(beacon/audit/reads.py). A test (beacon/core/tests/test_lint.py) fails if a view, API or
selectors module loads a record around these two.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.core.exceptions import (
    FieldDoesNotExist,
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


class _Trail:
    """Where this mechanism writes what it refuses and hands out: the audit trail. The audit app
    connects it when Django starts (`beacon.audit.apps.AuditConfig.ready`), so core, the ground
    floor, imports no app above it (docs/architecture.md, "Layers"). Until then every use
    fails, so nothing is ever loaded or refused unrecorded."""

    record_event: Callable[..., object] | None = None
    read: Callable[..., object] | None = None


_trail = _Trail()


def use_trail(*, record_event: Callable[..., object], read: Callable[..., object]) -> None:
    """Called once by the audit app: `record_event` writes a refusal, `read(member=, record=)`
    notes a read of a participant's record."""
    _trail.record_event = record_event
    _trail.read = read


def _record_event(**kwargs) -> object:
    if _trail.record_event is None:
        raise ImproperlyConfigured("beacon.audit is not installed: access would go unrecorded.")
    return _trail.record_event(**kwargs)


def _note_read(*, member, record) -> None:
    if _trail.read is None:
        raise ImproperlyConfigured("beacon.audit is not installed: reads would go unrecorded.")
    _trail.read(member=member, record=record)


def load_visible(
    *,
    member,
    visible: models.QuerySet[M],
    pk,
    for_write: bool = False,
    can_write: Callable[[object, M], bool] | None = None,
) -> M:
    """Load one record that `member` may see, or refuse (404 unseen, 403 seen but read-only)."""
    model = visible.model
    try:
        obj = visible.get(pk=pk)
    except (model.DoesNotExist, ValidationError, ValueError, TypeError):
        _record_hidden(member=member, model=model, pk=pk)
        raise Http404(f"No {model._meta.verbose_name} matches the given id.") from None
    if for_write and (can_write is None or not can_write(member, obj)):
        # The 403 itself is recorded by RefusalAuditMiddleware / the API's error handler.
        raise PermissionDenied
    # A record that shows a participant is a read of their record (beacon/audit/reads.py).
    _note_read(member=member, record=obj)
    return obj


def _record_hidden(*, member, model: type[models.Model], pk) -> None:
    try:
        exists = model._base_manager.filter(pk=pk).exists()
    except (ValidationError, ValueError, TypeError):
        exists = False
    if exists:
        _record_event(
            action="access.refused",
            actor=getattr(member, "user", None),
            organization=getattr(member, "organization", None),
            object_type=model._meta.label_lower,
            object_id=str(pk),
            details={"answered": 404},
        )


def load_child(*, member, parent: models.Model, children, **lookup):
    """One record that hangs off `parent`, a record the caller loaded through load_visible (a
    plan's goal or version, a participant's assignment, a group's enrolment), or refuse.

    `children` is the parent's related manager (`plan.goals`) or a queryset filtered on the
    parent and nothing else; `lookup` names the child (`pk=...`). Conditions on the child
    itself belong in `lookup`, so that "not among the parent's children" means "not there".
    404 when the parent has no such child, identical to a child that exists nowhere. When
    `lookup` names one record of the whole table (its id, or another unique field) and that
    record exists, under another parent, the refusal is recorded as load_visible records
    it; a key that means something only within its parent (a plan's version number)
    names nothing elsewhere to refuse.
    """
    queryset = children.all()
    model = queryset.model
    try:
        return queryset.get(**lookup)
    except (model.DoesNotExist, ValidationError, ValueError, TypeError):
        _record_child_hidden(member=member, parent=parent, model=model, lookup=lookup)
        raise Http404(f"No {model._meta.verbose_name} matches the given id.") from None


def _names_one_record(model: type[models.Model], lookup: dict) -> bool:
    if len(lookup) != 1:
        return False
    (name,) = lookup
    if name == "pk":
        return True
    try:
        return model._meta.get_field(name).unique
    except FieldDoesNotExist:
        return False


def _record_child_hidden(*, member, parent: models.Model, model: type[models.Model], lookup):
    if not _names_one_record(model, lookup):
        return
    try:
        found = model._base_manager.filter(**lookup).values_list("pk", flat=True).first()
    except (ValidationError, ValueError, TypeError):
        found = None
    if found is not None:
        _record_event(
            action="access.refused",
            actor=getattr(member, "user", None),
            organization=getattr(member, "organization", None),
            object_type=model._meta.label_lower,
            object_id=str(found),
            details={
                "answered": 404,
                "asked_through": {"type": parent._meta.label_lower, "id": str(parent.pk)},
            },
        )


def require_role(*roles: str):
    """A view decorator: the current membership must hold one of `roles`, or 403.

    Sign-in itself is already required for every view not marked public
    (beacon.accounts.middleware.SignInRequiredMiddleware); this narrows it by role.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            member = getattr(request, "member", None)
            if member is None or member.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.beacon_roles = frozenset(roles)
        return wrapped

    return decorator


def staff_member(request):
    """The membership an API operation acts in, or 403 unless it holds a staff role (organization
    admin, supervisor, peer). The API's twin of `@require_role(*STAFF_ROLES)`: operations call it
    first, because a decorator would hide their type hints from django-ninja."""
    member = getattr(request, "member", None)
    if member is None or not member.is_staff_role:
        raise PermissionDenied
    return member


def require_member(view):
    """A view decorator: the person must be acting within an organization (any role)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if getattr(request, "member", None) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class RefusalAuditMiddleware:
    """Every 403 Beacon answers is a refused access: record it with the path asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403 and not getattr(request, "beacon_refusal_recorded", False):
            member = getattr(request, "member", None)
            user = getattr(request, "user", None)
            _record_event(
                action="access.refused",
                actor=user if user is not None and user.is_authenticated else None,
                organization=getattr(member, "organization", None),
                object_type="path",
                object_id=request.path[:64],
                details={"answered": 403, "method": request.method, "path": request.path[:500]},
            )
        return response
