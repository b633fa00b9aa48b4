"""A leaving user's open deals are handed over with the rest; the closed ones keep their owner."""

from __future__ import annotations

from crm_platform.db.raw import fetch


async def test_hand_over_moves_open_deals_and_leaves_closed_ones(crm_client, crm_make_user, make_deal, pipeline):
    leaving, _ = await crm_make_user("leaving@example.com")
    heir, _ = await crm_make_user("heir@example.com")
    open_deal = await make_deal(title="Open", owner_id=leaving.id)
    won = await make_deal(title="Won", owner_id=leaving.id)
    await crm_client.post(f"/api/v1/sales/deals/{won['id']}/move", json={"stage_id": pipeline["by_name"]["Won"]["id"]})
    response = await crm_client.post(f"/api/v1/users/{leaving.id}/hand-over", json={"to_user_id": heir.id})
    assert response.status_code == 200, response.text
    assert response.json()["moved"] == {"sales.deal": 1}
    owners = {row["id"]: row["owner"] for row in await fetch("SELECT id, owner FROM sales_deal")}
    assert owners == {open_deal["id"]: heir.id, won["id"]: leaving.id}
