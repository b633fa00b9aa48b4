"""Signing in through the login form, as a browser does, with an in-process client."""

from __future__ import annotations

import re

import httpx

from crm_platform.testing import DEFAULT_PASSWORD

_TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_token_in(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, email: str, password: str = DEFAULT_PASSWORD) -> httpx.Response:
    form = await client.get("/login")
    return await client.post(
        "/login", data={"email": email, "password": password, "_csrf_token": csrf_token_in(form.text), "next": "/"}
    )


async def form_token(client: httpx.AsyncClient, path: str = "/") -> str:
    """The CSRF token of a page, for posting a form as the browser would."""
    return csrf_token_in((await client.get(path)).text)
