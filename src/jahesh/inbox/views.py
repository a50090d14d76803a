"""The inbox page: every item awaiting the user, by kind, newest deadline first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from jahesh.inbox import selectors

PAGE_SIZE = 50


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kinds = {kind} if kind in selectors.KINDS else None
    items = selectors.inbox_items(user=request.user, kinds=kinds)
    labels = selectors.kind_labels()
    page = Paginator([(item, labels[item.kind]) for item in items], PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    available = [(p.kind, labels[p.kind]) for p in selectors.providers_for(request.user)]
    return render(
        request,
        "inbox/inbox.html",
        {
            "page_obj": page,
            "count": len(items),
            "kind": kind if kinds else "",
            "kinds": available,
            "today": timezone.localdate(),
        },
    )
