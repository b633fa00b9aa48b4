"""CSV exports need the ``sales.export`` permission: every role holds it until an admin
takes it away from one."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/api/v1/sales/deals/export.csv", "/api/v1/sales/forecast.csv"])
async def test_a_member_exports_until_an_admin_revokes_the_permission(crm_client, member_client, path):
    assert (await member_client.get(path)).status_code == 200
    revoked = await crm_client.put("/api/v1/permissions/sales.export", json={"roles": ["admin", "manager"]})
    assert revoked.status_code == 200, revoked.text
    refused = await member_client.get(path)
    assert refused.status_code == 403
    assert "sales.export" in refused.json()["detail"]
    assert (await crm_client.get(path)).status_code == 200


async def test_sales_settings_are_listed_and_a_change_is_used_for_new_deals(crm_client, make_deal):
    listed = {item["key"]: item for item in (await crm_client.get("/api/v1/settings/sales")).json()}
    assert listed["stale_after_days"]["kind"] == "number" and listed["stale_after_days"]["value"] == 14
    changed = await crm_client.put("/api/v1/settings/sales/default_currency", json={"value": "USD"})
    assert changed.status_code == 200, changed.text
    assert (await make_deal())["currency"] == "USD"


async def test_the_deals_csv_defuses_formulas_and_keeps_empty_cells_empty(crm_client, make_deal):
    import csv
    import io

    await make_deal(title="@SUM(A1)", next_step="-2+3")
    response = await crm_client.get("/api/v1/sales/deals/export.csv")
    assert response.status_code == 200
    [row] = list(csv.DictReader(io.StringIO(response.text)))
    assert row["title"] == "'@SUM(A1)"
    assert row["next_step"] == "'-2+3"
    assert row["lost_reason"] == "" and row["closed_at"] == ""
