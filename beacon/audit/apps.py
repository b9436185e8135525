from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "beacon.audit"
    label = "audit"

    def ready(self):
        # The access mechanism (beacon/core/access.py) records its refusals and the reads of
        # participants' records here; core cannot import the audit app, which stands on it.
        from beacon.audit import reads
        from beacon.audit.services import record_event
        from beacon.core.access import use_trail

        use_trail(record_event=record_event, read=reads.loaded)
