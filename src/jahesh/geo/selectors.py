"""Reads of geography that need no user: searching places by name or code.
What a user may read and pick (every list a page or route shows) is
``jahesh.accounts.places``, above the scoping mechanism."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jahesh.core.text import normalize_key


def place_search(places: QuerySet, q: str | None) -> QuerySet:
    """``places`` whose normalised name contains ``q`` (every word of it), or
    whose code starts with it."""
    key = normalize_key(q)
    if not key:
        return places
    by_name = Q()
    for word in key.split(" "):
        by_name &= Q(name_key__contains=word)
    if key.isdigit():
        return places.filter(by_name | Q(code__startswith=key))
    return places.filter(by_name)
