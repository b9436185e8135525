from django.apps import AppConfig


class ConsentsConfig(AppConfig):
    name = "beacon.consents"
    label = "consents"

    def ready(self):
        from beacon.audit.describe import register_namer
        from beacon.consents.selectors import consent_names_for_audit

        # The audit trail names consents only through their visibility (issue 15).
        register_namer("consents.consent", consent_names_for_audit)
