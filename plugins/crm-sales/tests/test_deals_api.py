"""Creating, reading, changing and deleting deals through the API."""

from __future__ import annotations


async def test_a_new_instance_has_a_default_pipeline_ending_in_won_and_lost(crm_client):
    pipelines = (await crm_client.get("/api/v1/sales/pipelines")).json()
    assert [stage["name"] for stage in pipelines[0]["stages"]] == [
        "Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost",
    ]
    assert [stage["kind"] for stage in pipelines[0]["stages"]][-2:] == ["won", "lost"]


async def test_a_deal_starts_in_the_first_stage_with_its_default_probability(make_deal, pipeline):
    deal = await make_deal(title="Website relaunch", amount="12500.50", currency="usd")
    assert deal["stage_id"] == pipeline["by_name"]["Lead"]["id"]
    assert deal["probability"] == 10
    assert deal["amount"] == "12500.50"
    assert deal["currency"] == "USD"
    assert deal["status"] == "open"


async def test_a_deal_keeps_its_contacts_with_their_roles(crm_client, make_deal):
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "family_name": "Byron"})).json()
    deal = await make_deal(contacts=[{"contact_id": contact["id"], "role": "decision_maker"}])
    fetched = (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()
    assert fetched["contacts"] == [{"contact_id": contact["id"], "display_name": "Ada Byron", "role": "decision_maker"}]


async def test_patch_changes_only_the_fields_given(crm_client, make_deal):
    deal = await make_deal(title="Fleet", amount="100", next_step="Call CFO")
    response = await crm_client.patch(f"/api/v1/sales/deals/{deal['id']}", json={"amount": "250.00"})
    assert response.status_code == 200
    assert response.json()["amount"] == "250.00"
    assert response.json()["next_step"] == "Call CFO"


async def test_an_explicit_probability_survives_a_move_and_null_restores_the_stage_default(
    crm_client, make_deal, pipeline
):
    deal = await make_deal(probability=40)
    await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": pipeline["by_name"]["Proposal"]["id"]})
    assert (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()["probability"] == 40
    response = await crm_client.patch(f"/api/v1/sales/deals/{deal['id']}", json={"probability": None})
    assert response.json()["probability"] == 50


async def test_a_deleted_deal_is_gone(crm_client, make_deal):
    deal = await make_deal()
    assert (await crm_client.delete(f"/api/v1/sales/deals/{deal['id']}")).status_code == 204
    assert (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).status_code == 404


async def test_the_list_filters_by_stage_status_and_close_month(crm_client, make_deal, pipeline):
    march = await make_deal(title="March", expected_close_date="2027-03-14")
    await make_deal(title="April", expected_close_date="2027-04-02")
    won = await make_deal(title="Won")
    await crm_client.post(f"/api/v1/sales/deals/{won['id']}/move", json={"stage_id": pipeline["by_name"]["Won"]["id"]})

    by_month = (await crm_client.get("/api/v1/sales/deals", params={"close_month": "2027-03"})).json()
    by_status = (await crm_client.get("/api/v1/sales/deals", params={"status": "won"})).json()
    by_stage = (await crm_client.get("/api/v1/sales/deals", params={"stage_id": pipeline["by_name"]["Lead"]["id"]})).json()

    assert [deal["id"] for deal in by_month["items"]] == [march["id"]]
    assert [deal["title"] for deal in by_status["items"]] == ["Won"]
    assert sorted(deal["title"] for deal in by_stage["items"]) == ["April", "March"]


async def test_the_list_pages_with_a_cursor_without_repeating_a_deal(crm_client, make_deal):
    for index in range(5):
        await make_deal(title=f"Deal {index}")
    seen, cursor = [], None
    while True:
        params = {"limit": 2, "sort": "title"} | ({"cursor": cursor} if cursor else {})
        page = (await crm_client.get("/api/v1/sales/deals", params=params)).json()
        seen += [deal["title"] for deal in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"Deal {index}" for index in range(5)]


async def test_every_change_is_in_the_audit_log(crm_client, make_deal, pipeline, crm_engine):
    from crm_platform.toolkit import audit_history

    deal = await make_deal(amount="10")
    await crm_client.patch(f"/api/v1/sales/deals/{deal['id']}", json={"amount": "20"})
    await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": pipeline["by_name"]["Won"]["id"]})
    entries = await audit_history("sales.deal", deal["id"])
    assert [entry["action"] for entry in entries] == ["move", "update", "create"]
    assert entries[1]["changes"]["amount"] == {"from": "10.00", "to": "20.00"}


async def test_the_deals_are_in_the_openapi_document(crm_client):
    paths = (await crm_client.get("/schema/openapi.json")).json()["paths"]
    assert {"/api/v1/sales/deals", "/api/v1/sales/deals/{deal_id}/move", "/api/v1/sales/forecast"} <= set(paths)


async def test_patching_contacts_replaces_them_and_other_fields_keep_them(crm_client, make_deal):
    ada = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    alan = (await crm_client.post("/api/v1/contacts", json={"given_name": "Alan"})).json()
    deal = await make_deal(contacts=[{"contact_id": ada["id"], "role": "champion"}])
    await crm_client.patch(f"/api/v1/sales/deals/{deal['id']}", json={"title": "Renamed"})
    kept = (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()["contacts"]
    replaced = await crm_client.patch(
        f"/api/v1/sales/deals/{deal['id']}", json={"contacts": [{"contact_id": alan["id"], "role": "user"}]}
    )
    assert [contact["display_name"] for contact in kept] == ["Ada"]
    assert [(c["display_name"], c["role"]) for c in replaced.json()["contacts"]] == [("Alan", "user")]
