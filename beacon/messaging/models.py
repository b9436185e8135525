"""The private conversation between a participant and their peer (docs/portal.md, "Messages").

One thread per participant record: the thread is the record's messages, oldest first. Each
message is written by one side (the participant, or the staff who answer them) and read by
the other; `read_at` is when the other side first saw it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beacon.core.models import BaseModel

# A message is a few lines typed on a phone, not a letter: long enough for what matters, short
# enough that the thread stays readable (and the API's bound is the same).
MAX_BODY = 2000


class Message(BaseModel):
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="messages",
        db_index=False,  # the index message_thread leads with it
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # True: the participant wrote it (their peer's side reads it); False: staff answered.
    from_participant = models.BooleanField()
    body = models.TextField(_("message"), max_length=MAX_BODY)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["participant", "created_at", "id"], name="message_thread"),
            # My day's unread list: messages from participants nobody has opened yet.
            models.Index(
                fields=["organization", "participant"],
                name="message_unread",
                condition=models.Q(from_participant=True, read_at__isnull=True),
            ),
        ]
        verbose_name = _("message")

    def __str__(self):
        return f"Message {self.pk}"

    def participant_seen(self, member) -> tuple:
        """A staff member reading a message reads the participant's record
        (beacon/audit/reads.py)."""
        return self.participant_id, "messages"
