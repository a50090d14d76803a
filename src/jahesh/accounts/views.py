from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jahesh.accounts import forms, people, selectors, services, twofactor
from jahesh.accounts.models import User
from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import module_required
from jahesh.core import ratelimit
from jahesh.core.errors import ApplicationError
from jahesh.core.forms import apply_error
from jahesh.core.pages import attempt, page_of, submit


class LoginView(auth_views.LoginView):
    """Signing in applies the language the user picked before, on any browser."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if twofactor.device(user) is not None:
            # Two-step sign-in: the password was right; the session is not
            # signed in until the authenticator's code is (login_verify).
            nxt = self.get_redirect_url()
            self.request.session[_PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "next": nxt
                if nxt
                and url_has_allowed_host_and_scheme(nxt, allowed_hosts={self.request.get_host()})
                else "",
            }
            return redirect("accounts:login_verify")
        response = super().form_valid(form)
        language = user.language
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


# --- People managed by the headquarters ---------------------------------------------

PEOPLE_PAGE_SIZE = 25


@module_required(Module.PEOPLE)
@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    filters = forms.PeopleFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.people_list(
        manager=request.user,
        q=data.get("q", ""),
        role=data.get("role", ""),
        active=data.get("active", ""),
    )
    page = page_of(request, qs, PEOPLE_PAGE_SIZE)
    return render(request, "accounts/people_list.html", {"page": page, "filter_form": filters})


@module_required(Module.PEOPLE)
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    form = forms.PersonForm(request.POST or None, manager=request.user)
    return submit(
        request,
        form,
        lambda _data: people.person_create(manager=request.user, data=form.data_for_service()),
        message=lambda user: (
            _("کاربر «%(name)s» ساخته شد و رمز یک‌بار مصرف تعیین گذرواژه برایش فرستاده شد.")
            % {"name": user}
        ),
        done=lambda user: redirect("accounts:person", pk=user.pk),
    ) or render(request, "accounts/person_form.html", {"form": form, "person": None})


@module_required(Module.PEOPLE)
@require_http_methods(["GET", "POST"])
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(people.manageable(request.user), pk=pk)
    form = forms.PersonForm(
        request.POST or None, manager=request.user, initial=forms.PersonForm.initial_for(person)
    )
    return submit(
        request,
        form,
        lambda _data: people.person_update(
            manager=request.user, user=person, data=form.data_for_service()
        ),
        message=_("تغییرهای کاربر ثبت شد."),
        done=lambda _result: redirect("accounts:person", pk=person.pk),
    ) or render(
        request,
        "accounts/person_form.html",
        {
            "form": form,
            "person": person,
            "changes": selectors.person_changes(person),
            "two_factor": twofactor.device(person) is not None,
        },
    )


@module_required(Module.PEOPLE)
@require_POST
def person_active(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(people.manageable(request.user), pk=pk)
    active = request.POST.get("active") == "1"
    attempt(
        request,
        lambda: people.person_set_active(manager=request.user, user=person, active=active),
        _("حساب فعال شد.") if active else _("حساب غیرفعال شد و توکن‌هایش باطل شد."),
    )
    return redirect("accounts:person", pk=person.pk)


@module_required(Module.PEOPLE)
@require_POST
def person_reset(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(people.manageable(request.user), pk=pk)
    try:
        channels = people.person_send_reset(manager=request.user, user=person)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        if channels:
            labels = {"sms": _("پیامک"), "email": _("رایانامه")}
            messages.success(
                request,
                _("رمز یک‌بار مصرف تعیین گذرواژه با %(channels)s فرستاده شد.")
                % {"channels": _(" و ").join(str(labels[c]) for c in channels)},
            )
        else:
            messages.error(request, _("فرستادن رمز ناموفق بود؛ کمی بعد دوباره بکوشید."))
    return redirect("accounts:person", pk=person.pk)


# --- Forgotten password ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = forms.ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            people.password_reset_request(
                login=form.cleaned_data["login"], ip=ratelimit.client_ip(request)
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.info(
                request,
                _(
                    "اگر این حساب شمارهٔ همراه یا رایانامه داشته باشد، رمز یک‌بار مصرف برایش فرستاده شد."
                ),
            )
            response = redirect("accounts:password_reset_confirm")
            response["Location"] += "?" + urlencode({"login": form.cleaned_data["login"]})
            return response
    return render(request, "accounts/password_reset.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest) -> HttpResponse:
    form = forms.ResetConfirmForm(
        request.POST or None, initial={"login": request.GET.get("login", "")}
    )
    return submit(
        request,
        form,
        lambda d: people.password_reset_confirm(
            login=d["login"], code=d["code"], password=d["password1"]
        ),
        message=_("گذرواژهٔ تازه ثبت شد؛ با آن وارد شوید."),
        done=lambda _result: redirect("accounts:login"),
    ) or render(request, "accounts/password_reset_confirm.html", {"form": form})


# --- Two-step sign-in ------------------------------------------------------------------

_PENDING = "jahesh_otp_pending"
_PENDING_TRIES = 5


@require_http_methods(["GET", "POST"])
def login_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the authenticator's code."""
    pending = request.session.get(_PENDING)
    if not pending:
        return redirect("accounts:login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(_PENDING, None)
        return redirect("accounts:login")
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(user, form.cleaned_data["token"]):
            request.session.pop(_PENDING, None)
            auth_login(request, user, backend=pending["backend"])
            response = redirect(pending.get("next") or settings.LOGIN_REDIRECT_URL)
            if user.language:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
            return response
        pending["tries"] = pending.get("tries", 0) + 1
        if pending["tries"] >= _PENDING_TRIES:
            request.session.pop(_PENDING, None)
            messages.error(request, _("کد چند بار نادرست بود؛ دوباره با گذرواژه وارد شوید."))
            return redirect("accounts:login")
        request.session[_PENDING] = pending
        form.add_error("token", _("کد درست نیست؛ کد تازهٔ برنامه را بنویسید."))
    return render(request, "accounts/login_verify.html", {"form": form})


def _two_factor_page(
    request: HttpRequest, form: forms.TokenForm, status: int = 200
) -> HttpResponse:
    pending = twofactor.pending(request.user)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "on": twofactor.device(request.user) is not None,
            "pending": pending,
            "secret": twofactor.secret_text(pending) if pending else "",
            "form": form,
        },
        status=status,
    )


@login_required
@require_GET
def two_factor(request: HttpRequest) -> HttpResponse:
    if not twofactor.may_use(request.user):
        raise PermissionDenied
    return _two_factor_page(request, forms.TokenForm())


@login_required
@require_POST
def two_factor_action(request: HttpRequest, action: str) -> HttpResponse:
    if not twofactor.may_use(request.user):
        raise PermissionDenied
    if action not in ("start", "confirm", "disable"):
        raise Http404
    form = forms.TokenForm(request.POST)
    if action != "start" and not form.is_valid():
        return _two_factor_page(request, form, status=400)  # nothing typed: no try spent
    try:
        if action == "start":
            twofactor.start(request.user)
        elif action == "confirm":
            twofactor.confirm(request.user, form.cleaned_data["token"])
            messages.success(request, _("ورود دومرحله‌ای روشن شد."))
        else:
            twofactor.disable(request.user, form.cleaned_data["token"])
            messages.success(request, _("ورود دومرحله‌ای خاموش شد."))
    except ApplicationError as error:
        if action == "start":
            messages.error(request, str(error.message))
            return redirect("accounts:two_factor")
        apply_error(form, error)
        return _two_factor_page(request, form, status=400)
    return redirect("accounts:two_factor")


@login_required
@require_GET
def two_factor_qr(request: HttpRequest) -> HttpResponse:
    pending = twofactor.pending(request.user) if twofactor.may_use(request.user) else None
    if pending is None:
        raise Http404
    response = HttpResponse(twofactor.qr_svg(pending), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response
