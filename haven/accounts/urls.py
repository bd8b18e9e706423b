from django.urls import path

from haven.accounts import views

app_name = "accounts"
urlpatterns = [
    path("account/", views.home, name="account"),
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.verify_view, name="verify"),
    path("two-factor/", views.enrol_view, name="enrol"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_view, name="password"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<uuid:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("organisations/<uuid:organisation_id>/", views.organisation, name="organisation"),
    path("organisations/<uuid:organisation_id>/add/", views.add_member, name="add_member"),
    path("members/<uuid:member_id>/", views.member, name="member"),
    path(
        "members/<uuid:member_id>/reset-two-factor/",
        views.reset_member_two_factor,
        name="reset_member_two_factor",
    ),
    path(
        "members/<uuid:member_id>/reset-password/",
        views.reset_member_password,
        name="reset_member_password",
    ),
]
