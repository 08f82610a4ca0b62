"""The response envelope: the only place that shapes a success or an error as JSON.

Success: ``{"meta": {"success": true, "request_id": ...}, "data": ...}``; lists add
``count``, ``has_more`` and ``next_cursor`` to ``meta``. Failure: ``meta.success`` false and
an ``error`` object with ``name``, ``code``, ``message``, ``url`` and ``status``.
"""

from typing import Any, Generic, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from myengine.errors import ApiError

T = TypeVar("T")


class Meta(BaseModel):
    success: bool
    request_id: str


class ListMeta(Meta):
    count: int
    has_more: bool
    next_cursor: str | None


class Envelope(BaseModel, Generic[T]):
    meta: Meta
    data: T


class ListEnvelope(BaseModel, Generic[T]):
    meta: ListMeta
    data: list[T]


class ErrorBody(BaseModel):
    name: str
    code: str
    message: str
    url: str
    status: int
    field: str | None = None


class ErrorEnvelope(BaseModel):
    meta: Meta
    error: ErrorBody


def request_id(request: Request) -> str:
    return getattr(request.state, "request_id", "")


def request_url(request: Request) -> str:
    url = request.url.path
    if request.url.query:
        url += "?" + request.url.query
    return url


def success(
    request: Request,
    data: Any,
    *,
    meta: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {"meta": {"success": True, "request_id": request_id(request), **(meta or {})}, "data": data}
    return JSONResponse(body, status_code=200, headers=headers)


def page(
    request: Request,
    items: list[dict[str, Any]],
    *,
    has_more: bool,
    next_cursor: str | None,
    meta: dict[str, Any] | None = None,
) -> JSONResponse:
    return success(
        request,
        items,
        meta={"count": len(items), "has_more": has_more, "next_cursor": next_cursor, **(meta or {})},
    )


def error_body(exc: ApiError, *, url: str, request_id: str) -> dict[str, Any]:
    error: dict[str, Any] = {
        "name": exc.name,
        "code": exc.code,
        "message": exc.message,
        "url": url,
        "status": exc.status,
    }
    error.update(exc.details)
    return {"meta": {"success": False, "request_id": request_id}, "error": error}


def failure(request: Request, exc: ApiError) -> JSONResponse:
    body = error_body(exc, url=request_url(request), request_id=request_id(request))
    return JSONResponse(body, status_code=exc.status, headers=exc.headers)
