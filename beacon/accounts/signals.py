"""Receivers for Django's and Axes' sign-in signals: the only way to see every sign-in,
whichever view or API made it. Each one only calls a service."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from beacon.accounts import services


@receiver(user_logged_in, dispatch_uid="beacon_audit_login")
def _on_login(sender, request, user, **kwargs):
    services.session_started(request=request, user=user)


@receiver(user_logged_out, dispatch_uid="beacon_audit_logout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        services.session_ended(request=request, user=user)


@receiver(user_login_failed, dispatch_uid="beacon_audit_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    services.sign_in_failed(request=request, email=credentials.get("username", ""))


@receiver(user_locked_out, dispatch_uid="beacon_audit_locked_out")
def _on_locked_out(sender, request, username, ip_address, **kwargs):
    services.sign_in_locked_out(email=username or "", ip_address=ip_address)
