from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.views.decorators.http import require_POST

login_view = auth_views.LoginView.as_view(
    template_name="accounts/login.html", redirect_authenticated_user=True
)
logout_view = require_POST(auth_views.LogoutView.as_view())
