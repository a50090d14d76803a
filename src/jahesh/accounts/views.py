from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.views.decorators.http import require_POST

login_view = auth_views.LoginView.as_view(
    template_name="accounts/login.html", redirect_authenticated_user=True
)
logout_view = require_POST(auth_views.LogoutView.as_view())


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: the API's error shape for API
    calls, the Persian lockout page for the browser."""
    from django.http import JsonResponse
    from django.shortcuts import render

    from jahesh.accounts.services import LOCKED_OUT_MESSAGE

    if request.path.startswith("/api/"):
        return JsonResponse({"message": str(LOCKED_OUT_MESSAGE), "errors": []}, status=403)
    return render(request, "accounts/lockout.html", status=403)


def permission_denied(request, exception=None):
    """The 403 page (``handler403``): «دسترسی ندارید», and for a module the role may
    not use, which module it is and which roles may open it."""
    return render(
        request,
        "403.html",
        {
            "module_label": getattr(exception, "module_label", ""),
            "role_labels": getattr(exception, "role_labels", []),
        },
        status=403,
    )
