"""Custom fields defined by an admin: validated on write, filterable in lists."""

from __future__ import annotations

import pytest

from crm_platform.records.tables import CustomField


@pytest.fixture
async def fields(crm_running_app):
    await CustomField.insert(
        CustomField(record_type="contact", key="budget", label="Budget", kind="number"),
        CustomField(record_type="contact", key="tier", label="Tier", kind="choice", choices=["gold", "silver"]),
        CustomField(record_type="contact", key="newsletter", label="Newsletter", kind="boolean"),
        CustomField(record_type="contact", key="renewal", label="Renewal", kind="date"),
    )


async def test_values_are_checked_against_their_definitions(crm_client, fields):
    response = await crm_client.post(
        "/api/v1/contacts",
        json={"given_name": "Ada", "custom": {"budget": "lots", "tier": "bronze", "renewal": "next week", "x": 1}},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "custom.budget": "must be a number",
        "custom.tier": "must be one of gold, silver",
        "custom.renewal": "Invalid isoformat string: 'next week'",
        "custom.x": "unknown custom field for contact",
    }


async def test_patch_merges_custom_values_and_null_removes_one(crm_client, fields):
    created = await crm_client.post(
        "/api/v1/contacts", json={"given_name": "Ada", "custom": {"budget": 5000, "tier": "gold"}}
    )
    contact_id = created.json()["id"]
    response = await crm_client.patch(
        f"/api/v1/contacts/{contact_id}", json={"custom": {"tier": None, "newsletter": True}}
    )
    assert response.json()["custom"] == {"budget": 5000, "newsletter": True}


async def test_lists_filter_by_custom_values_of_each_kind(crm_client, fields):
    for name, custom in [
        ("Ann", {"budget": 5000, "tier": "gold", "newsletter": True}),
        ("Bob", {"budget": 120.5, "tier": "silver", "newsletter": False}),
        ("Cat", {}),
    ]:
        assert (await crm_client.post("/api/v1/contacts", json={"given_name": name, "custom": custom})).status_code == 201

    async def names(*filters: str) -> list[str]:
        response = await crm_client.get("/api/v1/contacts", params=[("custom", value) for value in filters])
        assert response.status_code == 200, response.text
        return [item["display_name"] for item in response.json()["items"]]

    assert await names("tier:gold") == ["Ann"]
    assert await names("budget:120.5") == ["Bob"]
    assert await names("newsletter:false") == ["Bob"]
    assert await names("newsletter:true", "budget:5000") == ["Ann"]


async def test_an_unknown_or_malformed_custom_filter_is_a_422(crm_client, fields):
    unknown = await crm_client.get("/api/v1/contacts", params={"custom": "colour:red"})
    assert unknown.status_code == 422
    assert "custom.colour" in unknown.json()["errors"]
    malformed = await crm_client.get("/api/v1/contacts", params={"custom": "budget=5"})
    assert malformed.status_code == 422
    wrong_type = await crm_client.get("/api/v1/contacts", params={"custom": "budget:many"})
    assert wrong_type.json()["errors"] == {"custom.budget": "must be a number"}
