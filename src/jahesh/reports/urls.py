from __future__ import annotations

from django.urls import path

from jahesh.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<str:kind>.<str:fmt>", views.figures_export, name="figures_export"),
    path("kpi/<str:code>/", views.drilldown, name="drilldown"),
    path("kpi/<str:code>/export.<str:fmt>", views.drilldown_export, name="drilldown_export"),
    path("report/", views.narrative_page, name="narrative"),
    path("report.<str:fmt>", views.narrative_file, name="narrative_file"),
]
