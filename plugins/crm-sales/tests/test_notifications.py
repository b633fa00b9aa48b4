"""The owner of a deal hears when someone else moves it: in the app and by email."""

from __future__ import annotations

import pytest

from crm_platform.testing import SMTP_BASE_URL


@pytest.fixture
def crm_plugins():
    return ["sales"]


async def test_moving_someone_elses_deal_notifies_its_owner(
    crm_client, crm_admin, crm_member, crm_member_client, make_deal, pipeline, crm_smtp, crm_run_jobs
):
    deal = await make_deal(title="Big order", owner_id=crm_member[0].id)
    await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": pipeline["by_name"]["Won"]["id"]})

    items = (await crm_member_client.get("/api/v1/notifications")).json()["items"]
    [moved] = [item for item in items if item["kind"] == "sales.deal_moved"]
    assert moved["subject"].startswith("Deal moved: Big order:") and moved["subject"].endswith("→ Won")
    assert moved["href"] == f"/sales/deals/{deal['id']}" and crm_admin[0].display_name in moved["body"]
    await crm_run_jobs()
    [email] = [email for email in crm_smtp.to(crm_member[0].email) if email.subject == moved["subject"]]
    assert f"{SMTP_BASE_URL}/sales/deals/{deal['id']}" in email.body()


async def test_moving_your_own_deal_notifies_nobody(crm_client, make_deal, pipeline):
    deal = await make_deal(title="Mine")
    await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": pipeline["by_name"]["Won"]["id"]})
    assert (await crm_client.get("/api/v1/notifications")).json()["items"] == []


async def test_deal_moved_is_a_kind_people_choose_channels_for(crm_member_client):
    kinds = (await crm_member_client.get("/api/v1/notifications/preferences")).json()["kinds"]
    assert {"kind": "sales.deal_moved", "label": "Deal moved"}.items() <= next(
        row for row in kinds if row["kind"] == "sales.deal_moved").items()
