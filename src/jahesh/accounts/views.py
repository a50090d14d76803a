from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import i18n
from django.views.decorators.http import require_POST

from jahesh.accounts import services


class LoginView(auth_views.LoginView):
    """Signing in applies the language the user picked before, on any browser."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        language = form.get_user().language
        if language:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
        return response


login_view = LoginView.as_view()


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (the cookie), which also remembers the choice on
    the signed-in user's profile."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_set_language(user=request.user, language=language)
    return response


logout_view = require_POST(auth_views.LogoutView.as_view())


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' answer to a locked-out login: the API's error shape for API
    calls, the Persian lockout page for the browser."""
    if request.path.startswith("/api/"):
        return JsonResponse({"message": str(services.LOCKED_OUT_MESSAGE), "errors": []}, status=403)
    return render(request, "accounts/lockout.html", status=403)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
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
