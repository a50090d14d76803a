"""The API's URL patterns are tried by first segment (jahesh.api.routes): every
path matches what Django's plain resolver over the whole list matches."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, path
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern, get_resolver

from jahesh.api.routes import api_path

PREFIX = "api/v1/"
VALUES = {"int": "7", "str": "abc"}
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _api_resolvers() -> tuple[URLResolver, URLResolver]:
    """The project's API include, and a plain include of the same patterns."""
    (ours,) = [
        p for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and str(p.pattern) == PREFIX
    ]  # fmt: skip
    assert type(ours) is not URLResolver  # jahesh.api.routes' own
    plain = URLResolver(
        RoutePattern(PREFIX, is_endpoint=False), ours.url_patterns,
        app_name=ours.app_name, namespace=ours.namespace,
    )  # fmt: skip
    return ours, plain


def _sample(route: str) -> str:
    return CONVERTER.sub(lambda m: VALUES[m.group(1) or "str"], route)


def _paths() -> list[str]:
    routes = [str(p.pattern) for p in _api_resolvers()[1].url_patterns]
    misses = ["nothing", "kpis/x", "units/", "units/7/x", "volunteers", "public/reports/"]
    return [PREFIX + _sample(r) for r in routes] + [PREFIX + m for m in misses]


@pytest.mark.parametrize("url", _paths())
def test_every_path_matches_what_the_whole_list_matches(url):
    ours, plain = _api_resolvers()
    try:
        expected = plain.resolve(url)
    except Resolver404:
        with pytest.raises(Resolver404):
            ours.resolve(url)
        return
    found = ours.resolve(url)
    assert (found.func, found.args, found.kwargs, found.url_name, found.route) == (
        expected.func, expected.args, expected.kwargs, expected.url_name, expected.route,
    )  # fmt: skip
    assert found.namespaces == expected.namespaces == ["api"]


def test_a_pattern_whose_first_segment_is_not_plain_keeps_its_place():
    def view(request, **kwargs):
        return None

    patterns = [
        path("a/first", view, name="a-first"),
        path("<str:any>/first", view, name="any-first"),
        path("b/first", view, name="b-first"),
        path("a/<str:x>", view, name="a-x"),
    ]
    ours = api_path(PREFIX, (patterns, "t", "t"))
    assert ours.resolve(PREFIX + "a/first").url_name == "a-first"
    assert ours.resolve(PREFIX + "b/first").url_name == "any-first"  # before b/first, as listed
    assert ours.resolve(PREFIX + "c/first").url_name == "any-first"
    assert ours.resolve(PREFIX + "a/zzz").url_name == "a-x"
    assert isinstance(ours.url_patterns[0], URLPattern)
    assert isinstance(ours.pattern, RoutePattern)
