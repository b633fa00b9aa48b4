"""Signing in under attack: hashing off the event loop, a lock per account and a ceiling per
address, sessions that stay over, and an audit row for every attempt."""

from __future__ import annotations

import asyncio
import dataclasses
import threading

import httpx
import pytest

from crm_platform.audit.service import history
from crm_platform.db.raw import fetch
from crm_platform.testing import DEFAULT_PASSWORD, client_for
from crm_platform.users import passwords
from tests.web.helpers import csrf_token_in, form_token, sign_in


@pytest.fixture
def crm_settings(crm_settings):
    # A small ceiling per address, so that spraying it takes few (slow) Argon2 checks.
    return dataclasses.replace(crm_settings, login_attempts_per_address_per_minute=5)


def _client_from(app, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_ten_failures_from_anywhere_lock_the_account_with_a_clear_message(crm_running_app, crm_make_user):
    await crm_make_user("ada@example.com")
    for number in range(10):
        async with _client_from(crm_running_app, f"10.0.0.{number}") as client:
            assert (await sign_in(client, "ada@example.com", "guess")).status_code == 400
    async with _client_from(crm_running_app, "10.0.1.1") as client:
        locked = await sign_in(client, "ada@example.com")
    assert locked.status_code == 429
    assert "This account is locked for up to 15 minutes" in locked.text
    [throttled] = [entry for entry in await history("user", 0) if entry["action"] == "throttled"]
    assert throttled["changes"] == {"email": "ada@example.com", "address": "10.0.1.1"}


async def test_spraying_many_emails_from_one_address_hits_its_ceiling(crm_running_app, crm_make_user):
    await crm_make_user("grace@example.com")
    async with _client_from(crm_running_app, "10.0.9.9") as client:
        statuses = [(await sign_in(client, f"user{number}@example.com", "guess")).status_code for number in range(6)]
        assert statuses == [400] * 5 + [429]
    async with _client_from(crm_running_app, "10.0.9.10") as elsewhere:
        assert (await sign_in(elsewhere, "grace@example.com")).status_code == 303


async def test_every_sign_in_leaves_an_audit_row_and_a_log_line_without_the_password(crm_running_app,
                                                                                    crm_make_user, caplog):
    caplog.set_level("INFO", logger="crm.security")
    ada, _ = await crm_make_user("ada@example.com")
    async with _client_from(crm_running_app, "10.0.2.1") as client:
        await sign_in(client, "ada@example.com", "wrong horse battery")
        await sign_in(client, "nobody@example.com", "wrong horse battery")
        await sign_in(client, "ada@example.com")
    assert [entry["action"] for entry in await history("user", ada.id)] == ["login", "login_fail", "create"]
    [unknown] = await history("user", 0)
    assert unknown["action"] == "login_fail" and unknown["changes"]["email"] == "nobody@example.com"
    stored = str(await fetch("SELECT changes FROM crm_audit_entry"))
    assert "horse" not in stored
    lines = [record.getMessage() for record in caplog.records if record.name == "crm.security"]
    assert any(line.startswith(f"user {ada.id}: login_fail") for line in lines)
    assert any(line.startswith(f"user {ada.id}: login by {ada.id}") for line in lines)
    assert not any("horse" in line for line in lines)


class GatedHasher:
    """Argon2 as shipped, whose checks wait for the test to open the gate."""

    def __init__(self, real) -> None:
        self.real, self.gate, self.entered, self.lock = real, threading.Event(), 0, threading.Lock()

    def hash(self, password: str) -> str:
        return self.real.hash(password)

    def verify(self, password: str, password_hash: str) -> bool:
        with self.lock:
            self.entered += 1
        if not self.gate.wait(10):
            raise TimeoutError("the gate stayed shut: a check blocked the event loop")
        return self.real.verify(password, password_hash)


async def test_health_answers_while_eight_logins_are_being_checked(crm_running_app, crm_make_user, monkeypatch):
    await crm_make_user("ada@example.com")
    hasher = GatedHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    clients = [client_for(crm_running_app) for _ in range(8)]
    try:
        tokens = [csrf_token_in((await client.get("/login")).text) for client in clients]
        logins = [asyncio.create_task(client.post("/login", data={
            "email": "ada@example.com", "password": "wrong guess", "_csrf_token": token}))
            for client, token in zip(clients, tokens, strict=True)]
        while hasher.entered < 4:  # every password thread is busy checking
            await asyncio.sleep(0.01)
        health = await clients[0].get("/health")
        assert health.status_code == 200
        assert not any(login.done() for login in logins)  # /health answered first
        hasher.gate.set()
        assert [response.status_code for response in await asyncio.gather(*logins)] == [400] * 8
    finally:
        hasher.gate.set()
        for client in clients:
            await client.aclose()


async def test_disabling_then_enabling_a_user_does_not_revive_their_session(crm_running_app, crm_client,
                                                                            crm_member):
    async with client_for(crm_running_app) as member_browser:
        assert (await sign_in(member_browser, "member@example.com")).status_code == 303
        assert (await member_browser.get("/")).status_code == 200
        await crm_client.patch(f"/api/v1/users/{crm_member[0].id}", json={"is_active": False})
        await crm_client.patch(f"/api/v1/users/{crm_member[0].id}", json={"is_active": True})
        assert (await member_browser.get("/")).status_code == 302
        assert (await sign_in(member_browser, "member@example.com")).status_code == 303  # a new sign-in works


async def test_changing_ones_password_on_the_page_signs_out_the_other_sessions(crm_running_app, crm_member):
    async with client_for(crm_running_app) as here, client_for(crm_running_app) as elsewhere:
        await sign_in(here, "member@example.com")
        await sign_in(elsewhere, "member@example.com")
        page = await here.get("/account/password")
        assert page.status_code == 200
        changed = await here.post("/account/password", data={
            "current_password": DEFAULT_PASSWORD, "new_password": "quiet river stone", "confirm_password":
            "quiet river stone", "_csrf_token": csrf_token_in(page.text)})
        assert changed.status_code == 200 and "Your password was changed" in changed.text
        assert (await here.get("/")).status_code == 200
        assert (await elsewhere.get("/")).status_code == 302


async def test_the_password_page_says_what_is_wrong(crm_running_app, crm_member):
    async with client_for(crm_running_app) as browser:
        await sign_in(browser, "member@example.com")
        refused = await browser.post("/account/password", data={
            "current_password": DEFAULT_PASSWORD, "new_password": "z" * 129, "confirm_password": "z" * 129,
            "_csrf_token": await form_token(browser, "/account/password")})
        assert refused.status_code == 422
        assert "at most 128 characters" in refused.text
