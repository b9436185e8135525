import uuid

from django.db import models
from django.utils import timezone


class BaseModel(models.Model):
    """Every Beacon record: a public UUID (never a guessable sequence) and timestamps."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
