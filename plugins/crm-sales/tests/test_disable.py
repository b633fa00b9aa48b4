"""Disabling the plugin hides its pages, API, panels and search hits and keeps its data;
enabling it again brings everything back."""

from __future__ import annotations


async def _set_enabled(web_client, enabled: bool) -> None:
    settings = await web_client.get("/settings")
    response = await web_client.post(
        "/settings/plugins/sales",
        data={"enabled": "true" if enabled else "false", "_csrf_token": web_client.csrf(settings.text)},
    )
    assert response.status_code == 303, response.text


async def test_disable_and_enable_round_trip(web_client, crm_client, make_deal):
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    deal = await make_deal(title="Analytical engine", amount="300", contacts=[{"contact_id": contact["id"], "role": "user"}])

    await _set_enabled(web_client, False)
    assert (await web_client.get("/sales/")).status_code == 404
    assert (await web_client.get(f"/sales/deals/{deal['id']}")).status_code == 404
    assert (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).status_code == 404
    assert (await crm_client.get("/api/v1/sales/forecast")).status_code == 404
    contact_page = (await web_client.get(f"/contacts/{contact['id']}")).text
    assert "Analytical engine" not in contact_page and 'href="/sales/"' not in contact_page
    assert "My pipeline" not in (await web_client.get("/")).text

    await _set_enabled(web_client, True)
    restored = (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()
    assert (restored["title"], restored["amount"], restored["contacts"][0]["contact_id"]) == (
        "Analytical engine", "300.00", contact["id"],
    )
    assert "Analytical engine" in (await web_client.get(f"/contacts/{contact['id']}")).text
    assert (await web_client.get("/sales/")).status_code == 200


async def test_a_disabled_plugins_deals_leave_global_search(web_client, make_deal):
    deal = await make_deal(title="Analytical engine")
    await _set_enabled(web_client, False)
    page = await web_client.get("/search", params={"q": "analyt"})
    assert f'/sales/deals/{deal["id"]}' not in page.text
