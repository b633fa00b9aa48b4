"""Headers on every response: the security headers and ``no-store`` on error pages, redirects
and the API's 401 too; over HTTPS (directly or through a trusted proxy) HSTS and ``Secure``
cookies, and nobody else can claim HTTPS with a forwarded header."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from tests.web.helpers import csrf_token_in, sign_in

STRICT = ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options")


def _client(app, base_url: str = "http://testserver", client: tuple[str, int] = ("127.0.0.1", 50000)):
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=client), base_url=base_url)


@pytest.fixture
def crm_settings(crm_settings):
    """The instance behind a proxy on this machine, named as trusted."""
    return dataclasses.replace(crm_settings, trusted_proxies="127.0.0.1, 10.0.0.0/8")


def _assert_hardened(response: httpx.Response) -> None:
    missing = [name for name in STRICT if name not in response.headers]
    assert missing == [], f"{response.request.url} ({response.status_code}) lacks {missing}"
    assert response.headers["cache-control"] == "no-store"


async def test_error_pages_redirects_and_the_apis_401_carry_the_security_headers(crm_running_app, crm_admin):
    async with _client(crm_running_app) as anonymous:
        unknown = await anonymous.get("/no/such/page")
        signin_redirect = await anonymous.get("/contacts")
        api_401 = await anonymous.get("/api/v1/contacts")
    assert (unknown.status_code, signin_redirect.status_code, api_401.status_code) == (404, 302, 401)
    for response in (unknown, signin_redirect, api_401):
        _assert_hardened(response)


async def test_pages_and_api_answers_with_personal_data_are_not_stored_but_static_files_are_cached(
    crm_running_app, crm_admin
):
    async with _client(crm_running_app) as browser:
        await sign_in(browser, "admin@example.com")
        _assert_hardened(await browser.get("/"))
        static = await browser.get("/static/core/htmx-2.0.4.min.js")
    assert "max-age=3600" in static.headers["cache-control"]
    async with _client(crm_running_app) as api:
        answer = await api.get("/api/v1/contacts", headers={"Authorization": f"Bearer {crm_admin[1]}"})
    assert answer.status_code == 200
    _assert_hardened(answer)


async def test_over_https_cookies_are_secure_and_hsts_is_sent(crm_running_app, crm_admin):
    async with _client(crm_running_app, base_url="https://testserver") as browser:
        form = await browser.get("/login")
        signed_in = await browser.post("/login", data={
            "email": "admin@example.com", "password": "correct horse battery",
            "_csrf_token": csrf_token_in(form.text), "next": "/",
        })
    cookies = form.headers.get_list("set-cookie") + signed_in.headers.get_list("set-cookie")
    assert {cookie.split("=")[0] for cookie in cookies} >= {"crm_csrf", "crm_session"}
    assert all("; Secure" in cookie for cookie in cookies), cookies
    assert form.headers["strict-transport-security"].startswith("max-age=")


async def test_over_plain_http_cookies_are_not_secure_and_no_hsts_is_sent(crm_running_app):
    async with _client(crm_running_app) as browser:
        form = await browser.get("/login")
    assert form.headers.get_list("set-cookie") and not any("Secure" in c for c in form.headers.get_list("set-cookie"))
    assert "strict-transport-security" not in form.headers


async def test_a_trusted_proxy_forwarding_https_gets_secure_cookies_even_on_a_404(crm_running_app):
    async with _client(crm_running_app, client=("10.1.2.3", 50000)) as proxied:
        form = await proxied.get("/login", headers={"x-forwarded-proto": "https", "x-forwarded-for": "198.51.100.7"})
        missing = await proxied.get("/no/such/page", headers={"x-forwarded-proto": "https"})
    assert all("; Secure" in cookie for cookie in form.headers.get_list("set-cookie"))
    assert "strict-transport-security" in form.headers and "strict-transport-security" in missing.headers


async def test_anyone_else_claiming_https_with_a_forwarded_header_is_not_believed(crm_running_app):
    async with _client(crm_running_app, client=("203.0.113.9", 50000)) as stranger:
        form = await stranger.get("/login", headers={"x-forwarded-proto": "https"})
    assert not any("Secure" in cookie for cookie in form.headers.get_list("set-cookie"))
    assert "strict-transport-security" not in form.headers
