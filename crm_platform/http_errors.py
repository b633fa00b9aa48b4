"""How errors reach API clients: a status and a message that names what was wrong.

No request produces a 500 with details: unexpected errors are logged and answered with a
plain message.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import msgspec
from litestar import Litestar, MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute
from litestar.status_codes import (
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
)

from crm_platform.errors import CrmError

log = logging.getLogger("crm.http")
MAX_INTEGER = 2**63 - 1


class ApiError(msgspec.Struct):
    """The body of every error the API answers."""

    status_code: int
    # What was wrong, in a sentence.
    detail: str
    # On a 422: each field path that is wrong, with what is wrong with it.
    errors: dict[str, str] | None = None
    # What some errors add (a 409's reasons, an HTTP error's details).
    reasons: list[str] | None = None
    extra: Any = None


# Each error the API answers, and which requests may meet it.
API_ERRORS = {
    400: "the request cannot be read (malformed JSON, a bad query parameter)",
    401: "no valid API token was given",
    403: "the token's user may not do this",
    404: "no such record, or one hidden from the token's user",
    409: "the change conflicts with the record's current state or another record",
    413: "the request body is larger than the server accepts",
    422: "some fields are wrong; errors names each",
    429: "too many requests; wait and try again",
}
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def document_api_errors(app: Litestar) -> None:
    """Describe the errors of every API operation in the OpenAPI document with ``ApiError``,
    so generated clients type them (Litestar's default 400 schema confuses generators)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api/"):
            continue
        for handler in route.route_handlers:
            methods = set(handler.http_methods)
            codes = [code for code in API_ERRORS if code not in (409, 413) or methods & _WRITES]
            if not methods & (_WRITES - {"DELETE"}):
                codes = [code for code in codes if code != 413]
            handler.responses = {
                **{code: ResponseSpec(data_container=ApiError, description=API_ERRORS[code], generate_examples=False)
                   for code in codes},
                **(handler.responses or {}),
            }


def _json(status: int, detail: str, **extra: object) -> Response:
    return Response({"status_code": status, "detail": detail, **extra}, status_code=status, media_type=MediaType.JSON)


def crm_error(_: Request, exc: CrmError) -> Response:
    return _json(exc.status_code, exc.message, **exc.extra)


def validation_error(request: Request, exc: ValidationException) -> Response:
    errors: dict[str, str] = {}
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            key = str(item.get("key") or "body")
            errors[key] = str(item.get("message", "is invalid"))
    if not errors:
        return _json(HTTP_422_UNPROCESSABLE_ENTITY, exc.detail, errors={})
    return _json(HTTP_422_UNPROCESSABLE_ENTITY, f"invalid fields: {', '.join(sorted(errors))}", errors=errors)


def integrity_error(_: Request, exc: Exception) -> Response:
    # A unique index caught a race that the service's own check could not see.
    log.info("integrity error: %s", exc)
    return _json(HTTP_409_CONFLICT, "this conflicts with an existing record; reload and try again")


def out_of_range(_: Request, exc: Exception) -> Response:
    # A whole number past 64 bits (an id in the path, a filter, a body field) reaches the driver,
    # which refuses it; no record can have such a value, so it is the request that is wrong.
    log.info("value out of range: %s", exc)
    return _json(
        HTTP_422_UNPROCESSABLE_ENTITY,
        f"a value is out of range for the database (whole numbers are at most {MAX_INTEGER})",
        errors={},
    )


def unexpected_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return _json(exc.status_code, exc.detail, **({"extra": exc.extra} if exc.extra else {}))
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return _json(HTTP_500_INTERNAL_SERVER_ERROR, "something went wrong on our side; it has been logged")


def handlers() -> dict:
    found: dict = {
        CrmError: crm_error,
        ValidationException: validation_error,
        sqlite3.IntegrityError: integrity_error,
        OverflowError: out_of_range,
        Exception: unexpected_error,
    }
    try:
        import asyncpg

        found[asyncpg.IntegrityConstraintViolationError] = integrity_error
        found[asyncpg.DataError] = out_of_range
    except ImportError:  # pragma: no cover - asyncpg ships with piccolo[postgres]
        pass
    return found
