"""Who is calling: an API token (``Authorization: Bearer``) or the web session."""

from __future__ import annotations

from crm_hookspecs import Principal
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import Receive, Scope, Send

from crm_platform import runtime
from crm_platform.instance import plugins as plugin_state
from crm_platform.regional import preferences as regional
from crm_platform.users.service import principal_for_session, principal_for_token, request_cache

# Everything else needs a signed-in user. A calendar feed's URL holds its own secret token.
OPEN_PATHS = {"/health", "/ready", "/login", "/static", "/manifest.webmanifest", "/favicon.ico", "/calendar/feed/", "/invite"}
SESSION_USER_KEY = "user_id"
# The user's session version at sign-in: a session older than the user's is over.
SESSION_VERSION_KEY = "session_version"


class AuthMiddleware(AbstractAuthenticationMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with request_cache(), regional.request_scope():
            await super().__call__(scope, receive, send)

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        await plugin_state.refresh(runtime.current().host)
        header = connection.headers.get("authorization", "")
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise NotAuthorizedException("use Authorization: Bearer <token>")
            principal = await principal_for_token(token.strip())
            if principal is None:
                raise NotAuthorizedException("the API token is unknown or revoked")
            return AuthenticationResult(user=principal, auth="token")
        session = connection.scope.get("session") or {}
        user_id = session.get(SESSION_USER_KEY)
        if user_id:
            principal = await principal_for_session(int(user_id), int(session.get(SESSION_VERSION_KEY) or 0))
            if principal is not None:
                return AuthenticationResult(user=principal, auth="session")
        raise NotAuthorizedException("sign in, or send Authorization: Bearer <token>")


def provide_principal(request: Request) -> Principal:
    return request.user


# Handlers declare ``principal: CurrentPrincipal`` to receive the signed-in user.
CurrentPrincipal = NamedDependency[Principal]
