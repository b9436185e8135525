from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "beacon.referrals"
    label = "referrals"
