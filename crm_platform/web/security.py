"""Sessions, CSRF and the response headers that keep browsers strict."""

from __future__ import annotations

import logging
import os
import re
import secrets
import time
from hmac import compare_digest
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware, generate_csrf_token
from litestar.middleware.session.base import SessionMiddleware
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.base import Store
from litestar.stores.file import FileStore
from litestar.types import Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from crm_platform.config import Settings
from crm_platform.web.rendering import CSRF_FIELD, CSRF_HEADER

log = logging.getLogger("crm.web")

SESSION_COOKIE = "crm_session"
CSRF_COOKIE = "crm_csrf"
SESSION_STORE = "sessions"
SESSION_MAX_AGE = 14 * 24 * 3600
# A handler sets this in the scope to give the session a new id (on login).
ROTATE_SCOPE_KEY = "crm.rotate_session"
# Where a session keeps its CSRF token.
SESSION_CSRF_KEY = "csrf"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def secret_key(settings: Settings) -> str:
    """``CRM_SECRET_KEY``, else one made on first start and kept in the instance folder, so
    signed-in browsers (their CSRF cookies) stay valid across restarts."""
    if settings.secret_key:
        return settings.secret_key
    path = instance_dir(settings) / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Exclusive create: of two processes starting together, both end up reading the winner's key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _written_key(path)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_hex(32) + "\n")
    log.info("made a secret key in %s (set CRM_SECRET_KEY to choose one)", path)
    return path.read_text().strip()


def _written_key(path: Path) -> str:
    # Another process made the file a moment ago and may not have written the key yet.
    for _ in range(100):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty: delete it, or set CRM_SECRET_KEY")


def instance_dir(settings: Settings) -> Path:
    """The folder of the SQLite database (``./var`` by default); on PostgreSQL the folder of
    the SQLite jobs queue, a folder the instance writes to already; else ``./var``."""
    for url in (settings.database_url, settings.jobs_url):
        if url.startswith("sqlite:///"):
            return Path(url.removeprefix("sqlite:///")).parent
    return Path("var")


def sessions_dir(settings: Settings) -> Path:
    return instance_dir(settings) / "sessions"


def session_store(settings: Settings) -> Store:
    if settings.redis_url:
        from litestar.stores.redis import RedisStore

        return RedisStore.with_client(settings.redis_url, namespace="crm_sessions")
    folder = sessions_dir(settings)
    # The store makes its own folder on a write, but not the folders above it.
    folder.parent.mkdir(parents=True, exist_ok=True)
    return FileStore(folder, create_directories=True)


class RotatingSessionBackend(ServerSideSessionBackend):
    """Server-side sessions that can move to a new id, so a session id seen before login
    is worthless after it."""

    def get_session_id(self, connection: ASGIConnection) -> str:
        rotated = connection.scope.get(ROTATE_SCOPE_KEY)
        if isinstance(rotated, str):
            return rotated
        return super().get_session_id(connection)

    async def store_in_message(self, scope_session: Any, message: Message, connection: ASGIConnection) -> None:
        if not scope_session and not connection.cookies.get(self.config.key):
            return  # nothing to keep for an anonymous visitor
        if connection.scope.get(ROTATE_SCOPE_KEY) is True:
            old_id = connection.cookies.get(self.config.key)
            if old_id:
                await self.delete(old_id, store=self.config.get_store_from_app(connection.scope["app"]))
            connection.scope[ROTATE_SCOPE_KEY] = self.generate_session_id()  # type: ignore[literal-required]
        await super().store_in_message(scope_session, message, connection)


class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend  # type: ignore[assignment]


def path_pattern(path: str) -> str:
    """A middleware ``exclude`` pattern for ``path`` and what lies under it, and nothing else:
    Litestar searches the patterns anywhere in the path, so a bare ``"/health"`` would also
    exempt a plugin's ``/healthcare/`` pages."""
    return f"^{re.escape(path)}" if path.endswith("/") else f"^{re.escape(path)}(/|$)"


def session_config() -> RotatingSessionConfig:
    return RotatingSessionConfig(
        key=SESSION_COOKIE, store=SESSION_STORE, max_age=SESSION_MAX_AGE, samesite="lax", httponly=True,
        exclude=[path_pattern("/static"), path_pattern("/health")],
    )


def csrf_config(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=secret_key(settings), cookie_name=CSRF_COOKIE, header_name=CSRF_HEADER, cookie_samesite="strict",
        exclude=[path_pattern("/health"), path_pattern("/schema")],
    )


def _needs_no_csrf(scope: Scope) -> bool:
    """A request carrying its own ``Authorization`` header cannot be forged by another site,
    and an API call without a session cookie cannot ride on a session (it gets its 401)."""
    headers = dict(scope["headers"])
    if b"authorization" in headers:
        return True
    return scope["path"].startswith("/api/") and f"{SESSION_COOKIE}=".encode() not in headers.get(b"cookie", b"")


class SessionUnlessBearerMiddleware(SessionMiddleware):
    """A call with its own ``Authorization`` header (most API traffic) has no session to load
    or save; skipping it saves a session id and a cookie per request."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and b"authorization" in dict(scope["headers"]):
            scope["session"] = {}
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


class CSRFUnlessBearerMiddleware(CSRFMiddleware):
    """CSRF checks on every form and on every request a session could authenticate.

    A visitor without a session (the login form) is checked by Litestar's double-submit
    cookie alone. Once there is a session, its token is the one kept in the session: a
    token in a cookie planted by someone else (from a sibling subdomain, say) or taken from
    another session does not pass. Signing in starts a new session, hence a new token."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _needs_no_csrf(scope):
            await self.app(scope, receive, send)
            return
        session = scope.get("session")
        if scope["type"] != "http" or not session:
            await super().__call__(scope, receive, send)
            return
        await self._check_against_session(scope, receive, send, session)

    async def _check_against_session(self, scope: Scope, receive: Receive, send: Send, session: dict) -> None:
        request = scope["litestar_app"].request_class(scope=scope, receive=receive)
        state = ScopeState.from_scope(scope)
        bound = session.get(SESSION_CSRF_KEY)
        if request.method in self.config.safe_methods:
            if not isinstance(bound, str):
                bound = session[SESSION_CSRF_KEY] = generate_csrf_token(secret=self.config.secret)
            state.csrf_token = bound
            await self.app(scope, receive, send)
            return
        sent = request.headers.get(self.config.header_name)
        if not sent and request.content_type[0] in (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART):
            sent = (await request.form()).get(CSRF_FIELD)
        if isinstance(bound, str) and isinstance(sent, str) and compare_digest(sent, bound):
            state.csrf_token = bound
            await self.app(scope, receive, send)
            return
        raise PermissionDeniedException("CSRF token verification failed")


# Sent with every answer over HTTPS, so the browser comes back over HTTPS only.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def _secure_cookie(value: bytes) -> bytes:
    attributes = [part.strip().lower() for part in value.split(b";")[1:]]
    return value if b"secure" in attributes else value + b"; Secure"


async def harden_response(message: Message, scope: Scope) -> None:
    """The app's ``before_send`` hook, run for every response the app sends (its 404s for
    unknown addresses, redirects and the API's 401 too, which no middleware sees): the
    security headers; ``Cache-Control: no-store`` unless the answer chose its own caching
    (static files do), since pages and API answers carry personal data; and over HTTPS
    (directly, or through a proxy named in ``CRM_TRUSTED_PROXIES``), HSTS and cookies marked
    ``Secure``."""
    if message["type"] != "http.response.start" or scope["type"] != "http":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in SECURITY_HEADERS.items():
        if name not in headers:
            headers[name] = value
    if "cache-control" not in headers:
        headers["cache-control"] = "no-store"
    if scope.get("scheme") == "https":
        headers["strict-transport-security"] = STRICT_TRANSPORT_SECURITY
        message["headers"] = [
            (name, _secure_cookie(value) if name.lower() == b"set-cookie" else value)
            for name, value in message["headers"]
        ]


def trust_proxies(app: Litestar, settings: Settings) -> None:
    """Take the client's address and the scheme (``https``) from the ``X-Forwarded-For`` and
    ``X-Forwarded-Proto`` headers of requests arriving from the addresses in
    ``CRM_TRUSTED_PROXIES`` (comma-separated addresses or networks; none by default, so
    nobody can claim HTTPS or another address by sending the headers). Wraps the app's whole
    handler, so error answers are covered too."""
    trusted = [item.strip() for item in settings.trusted_proxies.split(",") if item.strip()]
    if trusted:
        app.asgi_handler = ProxyHeadersMiddleware(app.asgi_handler, trusted_hosts=trusted)  # type: ignore[arg-type]


def middleware(settings: Settings) -> list[Any]:
    """Outermost first; the authentication middleware comes after these (the headers are
    :func:`harden_response`'s, which sees every response)."""
    return [
        DefineMiddleware(SessionUnlessBearerMiddleware, backend=RotatingSessionBackend(config=session_config())),
        DefineMiddleware(CSRFUnlessBearerMiddleware, config=csrf_config(settings)),
    ]
