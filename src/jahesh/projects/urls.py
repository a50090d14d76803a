from __future__ import annotations

from django.urls import path

from jahesh.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/transition/", views.project_transition, name="transition"),
    path("<int:pk>/progress/", views.progress_add, name="progress_add"),
    path("<int:pk>/funding/", views.funding_add, name="funding_add"),
    path("<int:pk>/results/", views.result_add, name="result_add"),
    path("<int:pk>/checks/", views.facility_check_add, name="check_add"),
    path("<int:pk>/location/", views.project_locate, name="locate"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("services/", views.service_list, name="service_list"),
    path("services/new/", views.service_create, name="service_create"),
    path("services/import/", views.service_import, name="service_import"),
    path(
        "services/import/template.xlsx",
        views.service_import_template,
        name="service_import_template",
    ),
    path("counties/", views.county_table, name="county_table"),
]
