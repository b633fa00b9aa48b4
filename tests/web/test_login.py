"""Signing in and out: sessions, rotation, the rate limit and redirects."""

from __future__ import annotations

import httpx
import pytest

from crm_platform.testing import client_for
from tests.web.helpers import csrf_token_in, form_token, sign_in


@pytest.fixture
async def browser_client(crm_running_app) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        yield client


async def test_a_page_without_a_session_redirects_to_the_login_form(browser_client) -> None:
    response = await browser_client.get("/contacts")
    assert response.status_code == 302
    assert response.headers["location"] == "/login?next=/contacts"


async def test_the_api_without_credentials_still_answers_401_json(browser_client) -> None:
    response = await browser_client.get("/api/v1/contacts")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")


async def test_signing_in_opens_my_day(browser_client, crm_make_user) -> None:
    await crm_make_user("ada@example.com", role="member")
    response = await sign_in(browser_client, "ada@example.com")
    assert response.status_code == 303
    home = await browser_client.get("/")
    assert home.status_code == 200
    assert "My day" in home.text


async def test_a_wrong_password_shows_the_error_and_keeps_the_email(browser_client, crm_make_user) -> None:
    await crm_make_user("ada@example.com")
    response = await sign_in(browser_client, "ada@example.com", "not the password")
    assert response.status_code == 400
    assert "do not match an active account" in response.text
    assert 'value="ada@example.com"' in response.text


async def test_signing_in_gives_the_session_a_new_id(browser_client, crm_make_user) -> None:
    await crm_make_user("ada@example.com")
    await browser_client.get("/login")
    browser_client.cookies.set("crm_session", "a" * 64, domain="testserver.local")  # an id planted before login
    response = await sign_in(browser_client, "ada@example.com")
    assert response.status_code == 303
    new_id = browser_client.cookies.get("crm_session", domain="testserver.local")
    assert new_id and new_id != "a" * 64


async def test_the_session_id_seen_before_login_is_worthless_after_it(crm_running_app, crm_make_user) -> None:
    await crm_make_user("ada@example.com")
    async with client_for(crm_running_app) as victim, client_for(crm_running_app) as attacker:
        form = await victim.get("/login")
        victim.cookies.set("crm_session", "b" * 64, domain="testserver.local")
        await victim.post("/login", data={"email": "ada@example.com", "password": "correct horse battery",
                                          "_csrf_token": csrf_token_in(form.text)})
        attacker.cookies.set("crm_session", "b" * 64, domain="testserver.local")
        assert (await attacker.get("/contacts")).status_code == 302


async def test_logins_over_the_limit_are_refused_for_a_minute(crm_running_app, crm_make_user) -> None:
    await crm_make_user("ada@example.com")
    async with client_for(crm_running_app) as client:
        statuses = [(await sign_in(client, "ada@example.com", "wrong password")).status_code for _ in range(11)]
        assert statuses[:10] == [400] * 10
        assert statuses[10] == 429
        blocked = await sign_in(client, "ada@example.com")
        assert blocked.status_code == 429
        assert "Too many failed attempts" in blocked.text


async def test_signing_in_right_again_and_again_is_never_limited(crm_running_app, crm_make_user) -> None:
    await crm_make_user("ada@example.com")
    statuses = []
    for _ in range(12):
        async with client_for(crm_running_app) as client:  # a new browser each time, same address
            statuses.append((await sign_in(client, "ada@example.com")).status_code)
    assert statuses == [303] * 12


async def test_the_limit_counts_each_email_apart(crm_running_app, crm_make_user) -> None:
    await crm_make_user("grace@example.com")
    async with client_for(crm_running_app) as client:
        for _ in range(10):
            await sign_in(client, "mallory@example.com", "guess")
        assert (await sign_in(client, "grace@example.com")).status_code == 303


async def test_signing_out_ends_the_session(browser_client, crm_make_user) -> None:
    await crm_make_user("ada@example.com")
    await sign_in(browser_client, "ada@example.com")
    response = await browser_client.post("/logout", data={"_csrf_token": await form_token(browser_client)})
    assert response.status_code == 303
    assert (await browser_client.get("/")).status_code == 302


async def test_login_never_redirects_to_another_site(browser_client, crm_make_user) -> None:
    await crm_make_user("ada@example.com")
    form = await browser_client.get("/login?next=//evil.example/")
    response = await browser_client.post("/login", data={
        "email": "ada@example.com", "password": "correct horse battery", "next": "//evil.example/",
        "_csrf_token": csrf_token_in(form.text)})
    assert response.headers["location"] == "/"
