from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "beacon.referrals"
    label = "referrals"

    def ready(self):
        from beacon.participants.selectors import timeline_source_register
        from beacon.referrals.timeline import referral_timeline_entries

        timeline_source_register("referrals", referral_timeline_entries)
