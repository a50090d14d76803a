"""Shapes shared by every router: the error body and the list envelope."""

from __future__ import annotations

from typing import Generic, TypeVar

from ninja import Schema

T = TypeVar("T")


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    message: str
    errors: list[FieldError] = []


class ListOut(Schema, Generic[T]):
    items: list[T]
    count: int


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
