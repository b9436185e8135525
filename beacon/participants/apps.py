from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "beacon.participants"
    label = "participants"

    def ready(self):
        from beacon.audit.describe import register_namer, register_participant_lookup
        from beacon.participants.selectors import (
            participant_id_by_record_number,
            participant_names_for_audit,
        )

        # The audit trail names participants only through their visibility (issue 15).
        register_namer("participants.participant", participant_names_for_audit)
        register_participant_lookup(participant_id_by_record_number)
