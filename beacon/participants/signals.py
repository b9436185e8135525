"""What happens to a participant that apps above this one act on, without this app importing
them (docs/architecture.md, "Layers")."""

from django.dispatch import Signal

# Sent inside the discharge's transaction, after it is recorded: participant=, actor=.
# The participant's own Beacon (beacon.portal) tells them it is read-only now.
participant_discharged = Signal()
