from __future__ import annotations

from django.urls import path

from jahesh.units import views

app_name = "units"

urlpatterns = [
    path("", views.unit_list, name="list"),
    path("export.<str:fmt>", views.unit_export, name="export"),
    path("watchlist/", views.watchlist, name="watchlist"),
    path("new/", views.unit_create, name="create"),
    path("import/", views.unit_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/visits/", views.unit_import, {"kind": "visits"}, name="import_visits"),
    path(
        "import/visits/template.xlsx",
        views.import_template,
        {"kind": "visits"},
        name="import_visits_template",
    ),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/edit/", views.unit_edit, name="edit"),
    path("<int:pk>/status/", views.unit_status, name="status"),
    path("<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("field/", views.field_app, name="field"),
    path("field/manifest.webmanifest", views.field_manifest, name="field_manifest"),
    path("field/sw.js", views.field_service_worker, name="field_sw"),
    path("plan/", views.visit_plan, name="plan"),
    path("map/", views.unit_map, name="map"),
]
