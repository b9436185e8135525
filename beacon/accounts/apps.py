from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "beacon.accounts"
    label = "accounts"

    def ready(self):
        from beacon.accounts import signals  # noqa: F401  (connects the audit receivers)
