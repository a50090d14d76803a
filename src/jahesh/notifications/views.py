"""Pages: the notifications list and the bell's count, marking read, the
preferences, and bulk text messages (write, preview, confirm, audit)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jahesh.accounts.models import User
from jahesh.core import sms
from jahesh.core.errors import ApplicationError
from jahesh.core.pages import page_of
from jahesh.notifications import bulk, selectors, services
from jahesh.notifications.forms import BulkForm, PreferencesForm

PAGE_SIZE = 30


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread = request.GET.get("unread") == "1"
    qs = selectors.notification_list(user=request.user, unread=unread)
    page = page_of(request, qs, PAGE_SIZE)
    return render(
        request,
        "notifications/list.html",
        {
            "page_obj": page,
            "unread_only": unread,
            "unread_count": selectors.unread_count(user=request.user),
            "may_bulk": bool(bulk.sender_kinds(request.user)),
        },
    )


@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The bell's inside (icon and unread count): loaded by HTMX with the page and
    every minute, so a page's own queries stay its own."""
    return render(
        request,
        "notifications/partials/bell.html",
        {"unread_count": selectors.unread_count(user=request.user)},
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and open what it is about."""
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_mark_read(user=request.user, notification=notification)
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url or "notifications:list")
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(n)s اعلان خوانده شد.") % {"n": count})
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # @login_required
    prefs = services.preferences(user)
    form = PreferencesForm(request.POST or None, prefs=prefs)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(user=request.user, choices=form.choices())
        messages.success(request, _("ترجیحات اعلان ذخیره شد."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "has_email": bool(user.email),
            "has_mobile": bool(user.mobile),
        },
    )


def _bulk_allowed(request: HttpRequest) -> None:
    if not bulk.sender_kinds(request.user):
        raise PermissionDenied(_("نقش شما پیامک گروهی نمی‌فرستد."))


@login_required
@require_http_methods(["GET", "POST"])
def bulk_page(request: HttpRequest) -> HttpResponse:
    """Write a message, preview it (audience size, segments, messages in all),
    then send it with a second, confirming post."""
    _bulk_allowed(request)
    form = BulkForm(request.POST or None, user=request.user)
    preview = None
    if request.method == "POST" and form.is_valid():
        kind, target_id = form.target_parts()
        text = form.cleaned_data["text"]
        try:
            if request.POST.get("confirm") == "1":
                sent = bulk.bulk_send(user=request.user, kind=kind, target_id=target_id, text=text)
                messages.success(
                    request,
                    _("پیامک برای %(n)s نفر در صف ارسال گذاشته شد.") % {"n": sent.recipients},
                )
                return redirect("notifications:bulk_detail", pk=sent.pk)
            text = bulk.bulk_text_check(text)
            audience = bulk.bulk_audience(user=request.user, kind=kind, target_id=target_id)
            segments = sms.segments(text)
            preview = {
                "audience": audience,
                "recipients": len(audience.people),
                "segments": segments,
                "total": segments * len(audience.people),
                "text": text,
            }
        except ApplicationError as error:
            field = error.errors[0]["field"] if error.errors else None
            form.add_error(field if field in form.fields else None, str(error.message))
    page = page_of(request, selectors.bulk_list(user=request.user), PAGE_SIZE)
    return render(
        request, "notifications/bulk.html", {"form": form, "preview": preview, "page_obj": page}
    )


@login_required
@require_GET
def bulk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.bulk_get(user=request.user, pk=pk)
    return render(
        request,
        "notifications/bulk_detail.html",
        {"bulk": message, "counts": selectors.bulk_delivery_counts(bulk=message)},
    )
