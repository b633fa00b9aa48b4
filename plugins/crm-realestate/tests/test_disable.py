"""Disabling the plugin hides its pages, API, fields and panels and keeps its data; enabling it
again brings everything back."""

from __future__ import annotations

BUYER = {"realestate_role": ["buyer"], "realestate_wanted_areas": "Riverside"}


async def test_disable_and_enable_round_trip(crm_client, web_client, crm_disable_plugin, crm_enable_plugin,
                                             add_property, add_contact):
    buyer = await add_contact("Bea", **BUYER)
    listing = await add_property("1 Mill Lane")
    offer = (await crm_client.post(f"/api/v1/realestate/properties/{listing['id']}/offers", json={"amount": 5})).json()

    await crm_disable_plugin("realestate")
    assert (await crm_client.get(f"/api/v1/realestate/properties/{listing['id']}")).status_code == 404
    assert (await web_client.get("/realestate/")).status_code == 404
    contact_page = (await web_client.get(f"/contacts/{buyer['id']}")).text
    assert "Matching listings" not in contact_page and "Wanted areas" not in contact_page
    refused = await crm_client.patch(f"/api/v1/contacts/{buyer['id']}", json={"custom": {"realestate_budget_max": 1}})
    assert refused.status_code == 422

    await crm_enable_plugin("realestate")
    assert (await crm_client.get(f"/api/v1/realestate/properties/{listing['id']}")).json()["address"] == "1 Mill Lane"
    assert (await crm_client.get(f"/api/v1/realestate/offers/{offer['id']}")).json()["amount"] == 5.0
    assert (await crm_client.get(f"/api/v1/contacts/{buyer['id']}")).json()["custom"] == BUYER
    buyers = (await crm_client.get(f"/api/v1/realestate/properties/{listing['id']}/buyers")).json()["items"]
    assert [item["name"] for item in buyers] == ["Bea"]
    assert "Matching listings" in (await web_client.get(f"/contacts/{buyer['id']}")).text


async def test_a_purge_drops_the_tables_and_the_contact_fields_values(crm_client, crm_cli, add_property, add_contact):
    from crm_platform.toolkit import fetch

    buyer = await add_contact("Bea", **BUYER)
    await add_property()
    result = crm_cli("plugins", "remove", "realestate", "--purge", "--yes")
    assert result.exit_code == 0, result.output
    assert (await crm_client.get(f"/api/v1/contacts/{buyer['id']}")).json()["custom"] == {}
    try:
        await fetch("SELECT id FROM realestate_property")
    except Exception as error:  # noqa: BLE001 - either engine's "no such table"
        assert "realestate_property" in str(error)
    else:
        raise AssertionError("realestate_property is still there")
