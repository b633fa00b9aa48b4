"""Errors on pages: a sign-in redirect, or a 403/404/500 page; the API keeps its JSON answers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.response import Redirect

from crm_platform import runtime
from crm_platform.errors import CrmError, Invalid
from crm_platform.web.rendering import render

log = logging.getLogger("crm.web")

API_PREFIXES = ("/api/", "/schema", "/health/")
OPERATIONS = ("/health", "/ready", "/metrics")
TITLES = {
    400: "That request was not understood",
    403: "You do not have access to this",
    404: "Nothing here",
    405: "That does not work here",
    409: "This conflicts with an existing record",
    422: "Some of that was not valid",
    413: "That file is too large",
    429: "Too many attempts",
}


def is_page_request(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith(API_PREFIXES) or path in OPERATIONS)


def _status_and_message(exc: Exception) -> tuple[int, str]:
    if isinstance(exc, CrmError):
        return exc.status_code, exc.message
    if isinstance(exc, ValidationException):
        return 400, "Some of the values sent were not valid."
    if isinstance(exc, HTTPException):
        return exc.status_code, exc.detail if exc.status_code < 500 else ""
    return 500, ""


def page_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, NotAuthorizedException):
        target = "/login?next=" + quote(request.url.path)
        if request.headers.get("hx-request") == "true":
            return Response("", status_code=401, headers={"HX-Redirect": target})
        return Redirect(target)
    status, message = _status_and_message(exc)
    if status >= 500:
        log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    if status == 413:
        limit = runtime.current().settings.import_max_bytes
        message = f"Files up to {limit / 1_000_000:g} MB can be uploaded; split the file, or raise CRM_IMPORT_MAX_BYTES."
    if status == 403 and "CSRF" in message:
        message = "This form has expired. Go back, reload the page and try again."
    # A 422 says what was wrong with each value, not only which ones.
    problems = exc.errors if isinstance(exc, Invalid) else {}
    try:
        html = render(request, "error.html", status=status, title=TITLES.get(status, "Something went wrong"),
                      message="" if problems else message, problems=problems)
    except Exception:  # the error page itself must never fail
        log.exception("the error page failed to render")
        html = "<!doctype html><title>Error</title><h1>Something went wrong</h1>"
    return Response(html, status_code=status, media_type=MediaType.HTML)


def wrap(api_handlers: dict[Any, Callable[[Request, Any], Response]]) -> dict[Any, Callable[[Request, Any], Response]]:
    """The same exception handlers, answering pages with HTML and the API as before."""

    def for_pages(api_handler: Callable[[Request, Any], Response]) -> Callable[[Request, Any], Response]:
        def handle(request: Request, exc: Exception) -> Response:
            if is_page_request(request):
                return page_error(request, exc)
            return api_handler(request, exc)

        return handle

    return {exc_type: for_pages(handler) for exc_type, handler in api_handlers.items()}
