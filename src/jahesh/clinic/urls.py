from __future__ import annotations

from django.urls import path

from jahesh.clinic import views

app_name = "clinic"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("board/", views.case_board, name="case_board"),
    path("new/", views.case_create, name="case_create"),
    path("new/units/", views.case_unit_search, name="case_unit_search"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/transition/", views.case_transition, name="case_transition"),
    path("<int:pk>/followup/", views.case_followup, name="case_followup"),
    path("experts/", views.expert_workload, name="expert_workload"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/resolutions/", views.resolution_add, name="resolution_add"),
    path("sessions/<int:pk>/followups/", views.resolution_follow_up, name="resolution_follow_up"),
    path("sessions/<int:pk>/minutes.pdf", views.session_minutes_pdf, name="session_pdf"),
    path("resolutions/", views.resolution_register, name="resolution_register"),
    path("resolutions/scoreboard/", views.agency_scoreboard, name="agency_scoreboard"),
]
