"""``crm_records_read``: the core tells plugins which contacts a user is about to be shown (the
page, the edit form, an API read, a list, an export), and a plugin may mask values in the answer
without anything being written back."""

from __future__ import annotations

import types

import pytest
from crm_hookspecs import FieldDefinition, hookimpl

from crm_platform.testing import client_for
from tests.web.helpers import form_token, sign_in

SEEN: list[tuple[str, str, int]] = []
FAILS = {"now": False}


def _badge_plugin() -> types.ModuleType:
    """Masks a contact's badge number everywhere but in the edit form, and notes each read."""
    module = types.ModuleType("badges")

    @hookimpl
    def crm_field_definitions():
        return [FieldDefinition("contact", "badges_number", "Badge number")]

    @hookimpl
    def crm_records_read(principal, record_type, records, surface, request):
        if FAILS["now"]:
            raise RuntimeError("the audit store is down")
        SEEN.append((record_type, surface, len(records)))
        for record in records:
            if surface != "form" and record["custom"].get("badges_number"):
                record["custom"]["badges_number"] = "***"

    module.crm_field_definitions = crm_field_definitions
    module.crm_records_read = crm_records_read
    return module


@pytest.fixture
def crm_plugins():
    SEEN.clear()
    FAILS["now"] = False
    return [("badges", _badge_plugin())]


@pytest.mark.exercises("crm_records_read")
async def test_every_surface_announces_the_read_and_shows_the_mask(crm_client, crm_running_app, crm_admin):
    contact = (await crm_client.post("/api/v1/contacts", json={
        "given_name": "Ann", "custom": {"badges_number": "B-42"}})).json()
    assert (await crm_client.get(f"/api/v1/contacts/{contact['id']}")).json()["custom"]["badges_number"] == "***"
    assert (await crm_client.get("/api/v1/contacts")).json()["items"][0]["custom"]["badges_number"] == "***"
    async with client_for(crm_running_app) as browser:
        await sign_in(browser, crm_admin[0].email)
        assert "B-42" not in (await browser.get(f"/contacts/{contact['id']}/profile")).text
        assert "B-42" in (await browser.get(f"/contacts/{contact['id']}/profile?edit=true")).text
        exported = await browser.post("/contacts/bulk", data={
            "ids": str(contact["id"]), "action": "export", "_csrf_token": await form_token(browser, "/contacts")})
        assert "***" in exported.text and "B-42" not in exported.text
    assert [surface for _, surface, _ in SEEN] == ["api", "list", "page", "form", "list", "export"]
    # The masks never reached the database: the edit form, after them, has the stored value.
    # A plugin that fails is logged; the answer still goes out.
    FAILS["now"] = True
    answer = await crm_client.get(f"/api/v1/contacts/{contact['id']}")
    assert answer.status_code == 200 and answer.json()["given_name"] == "Ann"
