"""How errors reach API clients: a status and a message that names what was wrong.

No request produces a 500 with details: unexpected errors are logged and answered with a
plain message.
"""

from __future__ import annotations

import logging
import sqlite3

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import (
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
)

from crm_platform.errors import CrmError

log = logging.getLogger("crm.http")
MAX_INTEGER = 2**63 - 1


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
