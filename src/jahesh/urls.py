from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from jahesh.accounts import views as accounts_views
from jahesh.api.routes import api_path
from jahesh.api_v1 import api
from jahesh.core import views as core_views

admin.site.site_header = "جهش — مدیریت سامانه"
admin.site.site_title = "جهش"
admin.site.index_title = "مدیریت"

# A page of a module the role may not use says so (accounts.scoping.ModuleDenied).
handler403 = "jahesh.accounts.views.permission_denied"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    api_path("api/v1/", api.urls),
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("imports/", include("jahesh.core.urls")),
    path("accounts/", include("jahesh.accounts.urls")),
    path("geo/", include("jahesh.geo.urls")),
    path("units/", include("jahesh.units.urls")),
    # The clinic's triage of public reports (portal sits above the clinic).
    path("clinic/intake/", include("jahesh.portal.triage_urls")),
    path("clinic/", include("jahesh.clinic.urls")),
    path("funds/", include("jahesh.funds.urls")),
    path("volunteers/", include("jahesh.volunteers.urls")),
    path("projects/", include("jahesh.projects.urls")),
    path("reports/", include("jahesh.reports.urls")),
    path("notifications/", include("jahesh.notifications.urls")),
    # Figures approved by county and province, then published (portal).
    path("figures/releases/", include("jahesh.portal.release_urls")),
    path("public/", include("jahesh.portal.urls")),
    path("inbox/", include("jahesh.inbox.urls")),
    path("admin/", admin.site.urls),
]
