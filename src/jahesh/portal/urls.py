from __future__ import annotations

from django.urls import path

from jahesh.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.figures_page, name="figures"),
    path("report/", views.report_page, name="report"),
    path("track/", views.track_page, name="track"),
    path("open-data/figures.<str:fmt>", views.open_data, name="open_data"),
]
