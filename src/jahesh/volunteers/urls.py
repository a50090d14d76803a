from __future__ import annotations

from django.urls import path

from jahesh.volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("", views.volunteer_list, name="list"),
    path("new/", views.volunteer_create, name="create"),
    path("export/", views.volunteer_export, name="export"),
    path("import/", views.volunteer_import, name="import"),
    path("import/template/", views.volunteer_import_template, name="import_template"),
    path("<int:pk>/", views.volunteer_detail, name="detail"),
    path("<int:pk>/edit/", views.volunteer_edit, name="edit"),
    path("<int:pk>/status/", views.volunteer_status, name="status"),
    path("<int:pk>/skills/", views.volunteer_skill_add, name="skill_add"),
    path("<int:pk>/credentials/", views.volunteer_credential_add, name="credential_add"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("camps/", views.camp_list, name="camp_list"),
    path("camps/new/", views.camp_create, name="camp_create"),
    path("camps/villages/", views.village_options, name="village_options"),
    path("camps/<int:pk>/", views.camp_detail, name="camp_detail"),
    path("camps/<int:pk>/roster/", views.camp_roster, name="roster"),
    path("camps/<int:pk>/location/", views.camp_locate, name="camp_locate"),
    path("hours/", views.hours_pending, name="hours"),
    path("roster/<int:entry_id>/certificate/", views.certificate_issue, name="certificate_issue"),
    path("certificates/<int:pk>/pdf/", views.certificate_download, name="certificate_pdf"),
    # PUBLIC (no sign-in): certificate verification; see views.verify.
    path("verify/", views.verify, name="verify_form"),
    path("verify/<str:code>", views.verify, name="verify"),
]
