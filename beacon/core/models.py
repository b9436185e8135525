import functools
import uuid

from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


@functools.cache
def _choice_labels(field) -> dict | None:
    """A field's {value: label}, labels still lazy (translated when shown). None for choices
    given as a callable, which may change between calls."""
    if not isinstance(field.choices, list | tuple):
        return None
    return {make_hashable(value): label for value, label in field.flatchoices}


class BaseModel(models.Model):
    """Every Beacon record: a public UUID (never a guessable sequence) and timestamps."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        """get_<field>_display(), as Django's but for one thing: Django builds the field's
        {value: label} on every call, and hashing a lazy label translates it, so each call
        translated every choice of the field (about 0.1 ms for ten choices; the timeline
        calls it three times an encounter). The mapping is built once per field here, and
        only the label shown is translated, in the language active at the time."""
        labels = _choice_labels(field)
        if labels is None:
            return super()._get_FIELD_display(field)
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


class RateLimitCounter(models.Model):
    """Requests from one address in one window of one rate limit (beacon/core/ratelimit.py).

    `key` is an HMAC of the limit's name, the window and the address: the address itself is
    never stored, and one window's key says nothing about the next. Rows are deleted once their
    window has ended.
    """

    key = models.CharField(max_length=64, primary_key=True)
    scope = models.CharField(max_length=40)
    expires_at = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.scope} until {self.expires_at:%Y-%m-%d %H:%M:%S}: {self.count}"
