"""The API's request parser: ninja's JSON and query parsing, refusing text that
holds a NUL character. PostgreSQL cannot store one (the write or even the search
would fail with a 500), and no person types one, so it is a field error."""

from __future__ import annotations

from typing import Any

from ninja.parser import Parser


class NulInText(ValueError):
    """A text value of the request holds a NUL character; ``field`` says where."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _refuse_nul(value: Any, path: tuple[str, ...]) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise NulInText(".".join(path) or "-")
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, path)
            _refuse_nul(item, (*path, str(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _refuse_nul(item, (*path, str(i)))


class JaheshParser(Parser):
    def parse_body(self, request):
        # ninja wraps what this raises in HttpError(400); api.py's handler reads
        # the cause and answers the same 422 as for the query string.
        data = super().parse_body(request)
        _refuse_nul(data, ())
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        _refuse_nul(result, ())
        return result
