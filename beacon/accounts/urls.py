from django.urls import path

from beacon.accounts import views, views_passkeys

app_name = "accounts"
urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("login/verify/", views.sign_in_verify, name="login_verify"),
    path("login/passkey/options/", views_passkeys.sign_in_options, name="passkey_login_options"),
    path("login/passkey/", views_passkeys.sign_in, name="passkey_login"),
    path("logout/", views.sign_out, name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("security/", views.security, name="security"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/recovery-codes/", views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path("passkeys/", views_passkeys.passkey_list, name="passkeys"),
    path("passkeys/add/options/", views_passkeys.passkey_add_options, name="passkey_add_options"),
    path("passkeys/add/", views_passkeys.passkey_add, name="passkey_add"),
    path("passkeys/<int:passkey_id>/remove/", views_passkeys.passkey_remove, name="passkey_remove"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
