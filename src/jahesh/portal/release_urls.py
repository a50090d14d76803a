from __future__ import annotations

from django.urls import path

from jahesh.portal import release_views as views

app_name = "releases"

urlpatterns = [
    path("", views.release_list, name="list"),
    path("<int:year>/<int:quarter>/", views.release_detail, name="detail"),
    path("<int:year>/<int:quarter>/<str:action>/", views.release_action, name="action"),
]
