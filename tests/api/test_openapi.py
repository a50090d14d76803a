"""The OpenAPI document lists what the API accepts: every schema and enum has a
component of its own (ninja names components by class name, so two classes of
one name overwrite each other's component)."""

from __future__ import annotations

import enum
import functools
import typing
from collections import defaultdict

from pydantic import BaseModel

from jahesh.api_v1 import api
from jahesh.clinic.models import Case
from jahesh.projects.models import DirectService, Project


@functools.cache  # building the document takes seconds
def _components() -> dict:
    return api.get_openapi_schema()["components"]["schemas"]


def _named_types() -> dict[str, set[str]]:
    """Every enum and schema the API's operations reach, by class name."""
    names: dict[str, set[str]] = defaultdict(set)
    seen: set[int] = set()

    def walk(tp) -> None:
        for arg in typing.get_args(tp):
            walk(arg)
        if not isinstance(tp, type) or id(tp) in seen:
            return
        seen.add(id(tp))
        if issubclass(tp, enum.Enum | BaseModel) and tp.__module__.startswith("jahesh"):
            names[tp.__name__].add(f"{tp.__module__}.{tp.__qualname__}")
        if issubclass(tp, BaseModel):
            for field in tp.model_fields.values():
                walk(field.annotation)

    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    walk(model)
    return names


def test_it_gives_every_enum_and_schema_a_name_of_its_own():
    names = _named_types()
    assert len(names) > 100
    assert {n: sorted(w) for n, w in names.items() if len(w) > 1} == {}


def _enum_of(schema: dict, field: str) -> list[str]:
    ref = schema["properties"][field]["$ref"].rsplit("/", 1)[1]
    return _components()[ref]["enum"]


def test_it_lists_each_kind_and_source_with_its_own_values():
    components = _components()
    assert _enum_of(components["ProjectIn"], "kind") == list(Project.Kind.values)
    assert _enum_of(components["ServiceIn"], "kind") == list(DirectService.Kind.values)
    assert _enum_of(components["CaseIn"], "source") == list(Case.Source.values)
