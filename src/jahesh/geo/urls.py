from __future__ import annotations

from django.urls import path

from jahesh.geo import views

app_name = "geo"

urlpatterns = [
    path("options/counties", views.county_options, name="county_options"),
    path("options/places", views.place_options, name="place_options"),
    path("closures/", views.closure_list, name="closures"),
    path("closures/<int:pk>/remove/", views.closure_remove, name="closure_remove"),
]
