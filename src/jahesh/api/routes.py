"""The API's URL patterns, looked up by their first path segment.

django-ninja hands Django one flat list of patterns, one per path (~110), and
Django's resolver tries them in order: a request for ``/api/v1/kpis`` matched
~95 patterns before its own and copied that list of tried patterns into its
match, a fifth of what a kept KPI answer cost the server (issue 12).
:func:`api_path` is ``path(prefix, api.urls)`` whose resolver tries only the
patterns that can match the path's first segment (``kpis``, ``units`` …):
those whose route starts with that segment, and those whose first segment is
not plain text (a converter, the API's root), each in its place in the list,
so a path matches the pattern it matched among them all. Reversing a name and
Django's URL checks read the whole list, as before."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver
from django.urls.resolvers import ResolverMatch, RoutePattern

Patterns = list[URLPattern | URLResolver]


class _BySegment(URLResolver):
    """An include whose patterns are tried among those of the path's first segment."""

    _narrowed: dict[str, URLResolver] | None = None

    def resolve(self, path: Any) -> ResolverMatch:
        path = str(path)
        match = self.pattern.match(path)
        if match:
            head = match[0].partition("/")[0]
            narrowed = self._by_segment().get(head)
            if narrowed is not None:
                return narrowed.resolve(path)
        return super().resolve(path)

    def _by_segment(self) -> dict[str, URLResolver]:
        # Built on the first request (a race builds the same thing twice).
        if self._narrowed is None:
            heads: dict[str, Patterns] = {}
            anywhere: Patterns = []  # patterns whose first segment is not plain text
            for pattern in self.url_patterns:
                head = _plain_head(pattern)
                if head is None:
                    anywhere.append(pattern)
                    for found in heads.values():
                        found.append(pattern)
                else:
                    heads.setdefault(head, list(anywhere)).append(pattern)
            self._narrowed = {
                head: URLResolver(
                    self.pattern, patterns, app_name=self.app_name, namespace=self.namespace
                )
                for head, patterns in heads.items()
            }
        return self._narrowed


def _plain_head(pattern: Any) -> str | None:
    """The first segment of a plain path's route (``units`` of ``units/<int:id>``),
    or None for any other pattern: one that is not a route, or whose first
    segment is empty or holds a converter."""
    if not isinstance(pattern, URLPattern) or not isinstance(pattern.pattern, RoutePattern):
        return None
    head = str(pattern.pattern).partition("/")[0]
    return head if head and "<" not in head else None


def api_path(prefix: str, urls: tuple[Patterns, str, str]) -> URLResolver:
    """``path(prefix, urls)`` for ``NinjaAPI.urls`` (patterns, app name,
    namespace), with its patterns tried by first segment."""
    patterns, app_name, namespace = urls
    return _BySegment(
        RoutePattern(prefix, is_endpoint=False), patterns, app_name=app_name, namespace=namespace
    )
