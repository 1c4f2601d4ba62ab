from __future__ import annotations

from django.urls import path

from portal.accounts.views import mfa as mfa_views
from portal.accounts.views import people as people_views
from portal.accounts.views import signin as views
from portal.tokens import views as token_views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("logout/", views.logout, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("token/", token_views.token_page, name="token"),
    path("token/remove/", token_views.token_remove_view, name="token_remove"),
    path("two-factor/", mfa_views.mfa_page, name="mfa"),
    path("people/", people_views.users_list, name="users"),
    path("people/new/", people_views.user_create_view, name="user_create"),
    path("people/policy/", people_views.security_policy, name="security_policy"),
    path("people/user/<str:username>/", people_views.user_detail, name="user_detail"),
    path("people/user/<str:username>/role/", people_views.user_role, name="user_role"),
    path("people/user/<str:username>/active/", people_views.user_active, name="user_active"),
    path(
        "people/user/<str:username>/two-factor-reset/",
        people_views.user_mfa_reset,
        name="user_mfa_reset",
    ),
]
