import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, TimestampMixin


def normalize_email(email: str) -> str:
    """Emails are compared case-insensitively everywhere, so they are stored lower-cased."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email=normalize_email(username))

    def create_user(self, email, password=None, **fields):
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A person who signs in. What they may do depends on their memberships."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    is_active = models.BooleanField(_("active"), default=True)
    is_platform_admin = models.BooleanField(_("platform admin"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    last_organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When the person last changed or reset their password, and when they last set up an
    # authenticator app: an API token made before either no longer works (beacon/api/selectors.py).
    password_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    mfa_enrolled_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]
        verbose_name = _("user")

    def __str__(self):
        return self.name or self.email

    def clean(self):
        super().clean()
        self.email = normalize_email(self.email)


class UserSession(models.Model):
    """A signed-in browser session, so that sign-out elsewhere and deactivation can end it."""

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self):
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"


class Passkey(TimestampMixin, Device):
    """A passkey (WebAuthn credential) a person signs in with (beacon/accounts/passkeys.py).

    A django-otp device, so that signing in with it marks the session verified, as an
    authenticator code does: user verification is required (the phone's PIN, fingerprint or
    face), so a passkey is two factors in one. `verify_token` is never used (no codes); the
    ceremony is checked by py_webauthn. `created_at` and `last_used_at` come from the mixin;
    `name` (what the person called it) from Device.
    """

    # base64url of the credential id the authenticator gave (at most 1023 bytes).
    credential_id = models.CharField(max_length=1400, unique=True)
    public_key = models.BinaryField()  # COSE, as the authenticator gave it
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)  # "internal", "hybrid", "usb"...
    backed_up = models.BooleanField(default=False)  # synced by a password manager or platform

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("passkey")

    def verify_token(self, token):
        return False
