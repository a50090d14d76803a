from __future__ import annotations

from django.urls import path

from jahesh.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/confirm/", views.password_reset_confirm, name="password_reset_confirm"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/qr.svg", views.two_factor_qr, name="two_factor_qr"),
    path("two-factor/<str:action>/", views.two_factor_action, name="two_factor_action"),
    path("people/", views.people_list, name="people"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/active/", views.person_active, name="person_active"),
    path("people/<int:pk>/reset/", views.person_reset, name="person_reset"),
]
