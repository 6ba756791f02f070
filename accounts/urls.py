from django.urls import path

from . import people, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("sign-in/set-up/", views.sign_in_set_up, name="sign_in_set_up"),
    path("sign-in/council/", views.sign_on, name="sign_on"),
    path("sign-in/council/callback/", views.sign_on_callback, name="sign_on_callback"),
    path("sign-out/", views.SignOutView.as_view(), name="sign_out"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "invitation/<uidb64>/<token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("two-factor/", views.two_factor_manage, name="two_factor"),
    path("two-factor/set-up/", views.two_factor_set_up, name="two_factor_set_up"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "two-factor/recovery-codes/new/",
        views.recovery_codes_replace,
        name="recovery_codes_replace",
    ),
    path("administration/", views.administration, name="administration"),
    path("schools/search/", views.school_search_results, name="school_search"),
    path("people/", people.people_list, name="people"),
    path("people/add/", people.person_add, name="person_add"),
    path("people/import/", people.people_import, name="people_import"),
    path("people/<int:user_id>/", people.person_change, name="person_change"),
    path(
        "people/<int:user_id>/invite-again/", people.person_invite_again, name="person_invite_again"
    ),
    path(
        "people/<int:user_id>/two-factor-reset/",
        people.person_two_factor_reset,
        name="person_two_factor_reset",
    ),
]
