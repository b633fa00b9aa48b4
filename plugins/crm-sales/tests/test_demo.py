"""``crm demo`` loads deals across the pipeline, linked to the demo's contacts and companies."""

from __future__ import annotations

from crm_platform.toolkit import fetch


async def test_the_demo_has_deals_in_every_stage_with_contacts_and_companies(crm_cli, crm_client):
    result = crm_cli("demo", "--contacts", "150", "--seed", "5")
    assert result.exit_code == 0, result.output
    assert "deals across the stages of the Sales pipeline" in result.output

    stages = {row["name"]: row["n"] for row in await fetch(
        "SELECT s.name, count(d.id) AS n FROM sales_stage s LEFT JOIN sales_deal d ON d.stage = s.id GROUP BY s.name"
    )}
    assert all(stages[name] > 0 for name in ("Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost")), stages
    unlinked = await fetch("SELECT id FROM sales_deal WHERE id NOT IN (SELECT deal FROM sales_deal_contact)")
    assert unlinked == []
    assert (await fetch("SELECT count(*) AS n FROM sales_deal WHERE company IS NOT NULL"))[0]["n"] > 0

    forecast = (await crm_client.get("/api/v1/sales/forecast")).json()
    assert forecast["open_count"] > 0 and forecast["won_count"] > 0 and forecast["lost_count"] > 0
    found = (await crm_client.get("/api/v1/sales/deals", params={"status": "open", "limit": 1})).json()["items"]
    assert found[0]["contacts"] and found[0]["contacts"][0]["display_name"] != "(hidden)"

