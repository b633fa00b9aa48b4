"""Signing in and out of the web UI."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect

from crm_platform.users import service as users
from crm_platform.users.auth import SESSION_USER_KEY
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


def login_handlers(limiter: AttemptLimiter) -> list[Any]:
    @get("/login", name="login", include_in_schema=False)
    async def login_form(request: Request, next: FromQuery[str | None] = None) -> Response:
        if (request.scope.get("session") or {}).get(SESSION_USER_KEY):
            return Redirect(safe_next(next))
        return render_page(request, "login.html", next=safe_next(next), values={}, errors={})

    @post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        values = await forms.form_data(request)
        email = forms.text(values, "email", 254).lower()
        password = str(values.get("password", ""))[:1000]
        target = safe_next(forms.text(values, "next"))
        errors: dict[str, str] = {}
        status = 400
        if not email:
            errors["email"] = "Enter your email address."
        if not password:
            errors["password"] = "Enter your password."
        attempt = f"{_client_address(request)}|{email}"
        if not errors and await limiter.blocked(attempt):
            errors["form"] = "Too many failed attempts for this email from here. Wait a minute and try again."
            status = 429
        if not errors:
            principal = await users.authenticate(email, password)
            if principal is None:
                await limiter.failed(attempt)
                errors["form"] = "That email and password do not match an active account."
            else:
                stored = await User.select(User.theme).where(User.id == principal.id).first()
                theme, scheme = split_theme(stored["theme"] if stored else "")
                request.set_session({SESSION_USER_KEY: principal.id, SESSION_THEME_KEY: theme,
                                     SESSION_SCHEME_KEY: scheme})
                request.scope[ROTATE_SCOPE_KEY] = True  # type: ignore[literal-required]
                return Redirect(target, status_code=303)
        return render_page(
            request, "login.html", status_code=status, next=target, values={"email": email}, errors=errors
        )

    @post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        request.clear_session()
        return Redirect("/login", status_code=303)

    return [login_form, login, logout]
