"""Signing in and out of the web UI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crm_hookspecs import Principal
from litestar import Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect

from crm_platform.users import security_events
from crm_platform.users import service as users
from crm_platform.users.auth import SESSION_USER_KEY, SESSION_VERSION_KEY
from crm_platform.users.tables import User
from crm_platform.web import forms
from crm_platform.web.ratelimit import AttemptLimiter
from crm_platform.web.rendering import SESSION_SCHEME_KEY, SESSION_THEME_KEY, render_page
from crm_platform.web.security import ROTATE_SCOPE_KEY


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (``//evil``), never a scheme."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def split_theme(stored: str) -> tuple[str, str]:
    """``crm_user.theme`` holds ``<theme>`` or ``<theme>:<light|dark>``."""
    theme, _, scheme = (stored or "").partition(":")
    return theme, scheme or "auto"


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@dataclass(frozen=True)
class LoginLimits:
    """The three counts of failed logins the form keeps (see :mod:`crm_platform.web.ratelimit`)."""

    per_address_and_email: AttemptLimiter
    per_address: AttemptLimiter
    per_account: AttemptLimiter

    async def refusal(self, address: str, email: str) -> str:
        """Why the next attempt is refused, or ``""`` when it may go ahead."""
        if await self.per_address_and_email.blocked(f"{address}|{email}") or await self.per_address.blocked(address):
            return "Too many failed attempts for this email from here. Wait a minute and try again."
        if await self.per_account.blocked(email):
            minutes = self.per_account.window_seconds // 60
            return (f"This account is locked for up to {minutes} minutes after too many failed sign-ins. "
                    "Wait and try again, or ask an admin to set a new password.")
        return ""

    async def failed(self, address: str, email: str) -> None:
        await self.per_address_and_email.failed(f"{address}|{email}")
        await self.per_address.failed(address)
        await self.per_account.failed(email)


async def sign_in(request: Request, principal: Principal, session_version: int) -> None:
    """Start the user's session, under a new session id, with their stored appearance."""
    stored = await User.select(User.theme).where(User.id == principal.id).first()
    theme, scheme = split_theme(stored["theme"] if stored else "")
    request.set_session({SESSION_USER_KEY: principal.id, SESSION_VERSION_KEY: session_version,
                         SESSION_THEME_KEY: theme, SESSION_SCHEME_KEY: scheme})
    request.scope[ROTATE_SCOPE_KEY] = True  # type: ignore[literal-required]


def login_handlers(limits: LoginLimits) -> list[Any]:
    @get("/login", name="login", include_in_schema=False)
    async def login_form(request: Request, next: FromQuery[str | None] = None) -> Response:
        session = request.scope.get("session") or {}
        # Only a session still valid skips the form: one that is over (its user was disabled,
        # or changed their password) must be able to sign in again.
        if session.get(SESSION_USER_KEY) and await users.principal_for_session(
                int(session[SESSION_USER_KEY]), int(session.get(SESSION_VERSION_KEY) or 0)):
            return Redirect(safe_next(next))
        return render_page(request, "login.html", next=safe_next(next), values={}, errors={})

    @post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        values = await forms.form_data(request)
        email = forms.text(values, "email", 254).lower()
        password = str(values.get("password", ""))
        target = safe_next(forms.text(values, "next"))
        address = _client_address(request)
        errors: dict[str, str] = {}
        status = 400
        if not email:
            errors["email"] = "Enter your email address."
        if not password:
            errors["password"] = "Enter your password."
        if not errors and (refusal := await limits.refusal(address, email)):
            errors["form"] = refusal
            status = 429
            await security_events.record(None, None, security_events.LOGIN_THROTTLED, email=email, address=address)
        if not errors:
            # Argon2 runs in a thread, so other requests are answered while it works.
            check = await users.check_login(email, password)
            if check.principal is None:
                await limits.failed(address, email)
                await security_events.record(None, check.user_id, security_events.LOGIN_FAILED, email=email,
                                             address=address)
                errors["form"] = "That email and password do not match an active account."
            else:
                await security_events.record(check.principal.id, check.principal.id, security_events.LOGIN,
                                             address=address)
                await sign_in(request, check.principal, check.session_version)
                return Redirect(target, status_code=303)
        return render_page(
            request, "login.html", status_code=status, next=target, values={"email": email}, errors=errors
        )

    @post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        request.clear_session()
        return Redirect("/login", status_code=303)

    return [login_form, login, logout]

