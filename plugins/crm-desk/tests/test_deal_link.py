"""A ticket linked to a deal of the sales plugin: a picker of the deals the agent may see, the
deal on the ticket and the ticket on the deal's page; without sales the field is absent."""

from __future__ import annotations

import pytest

TICKETS = "/api/v1/desk/tickets"
DEALS = "/api/v1/sales/deals"


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["desk", "sales"]


async def _deal(client, **fields) -> dict:
    response = await client.post(DEALS, json={"title": "Deal", **fields})
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_ticket_linked_to_a_deal_shows_on_both_pages(crm_client, web_client, open_ticket):
    acme = (await crm_client.post("/api/v1/companies", json={"name": "Acme"})).json()["id"]
    renewal = await _deal(crm_client, title="Acme renewal", company_id=acme)
    await _deal(crm_client, title="Unrelated upsell")
    ticket = await open_ticket(company_id=acme, subject="Invoice is wrong")
    page = (await web_client.get(f"/desk/tickets/{ticket['id']}")).text
    picker = page.split('name="deal_id"', 1)[1].split("</select>", 1)[0]
    assert picker.index("Acme renewal") < picker.index("Unrelated upsell")

    saved = await web_client.post(f"/desk/tickets/{ticket['id']}", data={
        "_csrf_token": web_client.csrf(page), "deal_id": str(renewal["id"])})
    assert saved.status_code == 303
    assert (await crm_client.get(f"{TICKETS}/{ticket['id']}")).json()["deal_id"] == renewal["id"]
    page = (await web_client.get(f"/desk/tickets/{ticket['id']}")).text
    assert f'<a href="/sales/deals/{renewal["id"]}" class="desk-deal">Acme renewal</a>' in page
    deal_page = (await web_client.get(f"/sales/deals/{renewal['id']}")).text
    assert 'aria-label="Tickets"' in deal_page
    assert f'<a href="/desk/tickets/{ticket["id"]}">#{ticket["id"]} Invoice is wrong</a>' in deal_page
    linked = (await crm_client.get(TICKETS, params={"deal_id": renewal["id"]})).json()["items"]
    assert [t["id"] for t in linked] == [ticket["id"]]
    history = (await crm_client.get(f"{TICKETS}/{ticket['id']}/history")).json()
    assert history[0]["changes"]["deal_id"] == {"from": None, "to": renewal["id"]}


async def test_a_deal_the_agent_may_not_see_cannot_be_linked_nor_named(
    crm_client, crm_make_user, crm_running_app, sign_in, open_ticket
):
    from crm_platform.testing import client_for

    hidden = await _deal(crm_client, title="Secret merger")
    member, token = await crm_make_user("ann@example.com", team="East")
    ticket = await open_ticket(assignee_id=member.id)
    async with client_for(crm_running_app, token) as ann:
        refused = await ann.patch(f"{TICKETS}/{ticket['id']}", json={"deal_id": hidden["id"]})
        assert refused.status_code == 422
        assert refused.json()["errors"] == {"deal_id": f"deal {hidden['id']} does not exist or is not visible to you"}
    # Linked by someone who may see it, the deal stays unnamed for the member, and saving the
    # assignment form does not unlink it.
    await crm_client.patch(f"{TICKETS}/{ticket['id']}", json={"deal_id": hidden["id"]})
    async with sign_in("ann@example.com") as ann_browser:
        page = (await ann_browser.get(f"/desk/tickets/{ticket['id']}")).text
        assert "Secret merger" not in page
        assert "(not visible to you)" in page
        assert 'name="deal_id"' not in page
        saved = await ann_browser.post(f"/desk/tickets/{ticket['id']}", data={
            "_csrf_token": ann_browser.csrf(page), "priority": "high"})
        assert saved.status_code == 303
    assert (await crm_client.get(f"{TICKETS}/{ticket['id']}")).json()["deal_id"] == hidden["id"]


async def test_with_sales_disabled_the_deal_field_is_absent_and_the_ticket_works(
    crm_client, web_client, crm_disable_plugin, open_ticket
):
    deal = await _deal(crm_client, title="Acme renewal")
    ticket = await open_ticket(deal_id=deal["id"])
    await crm_disable_plugin("sales")
    page = await web_client.get(f"/desk/tickets/{ticket['id']}")
    assert page.status_code == 200
    assert 'name="deal_id"' not in page.text and "Acme renewal" not in page.text
    refused = await crm_client.patch(f"{TICKETS}/{ticket['id']}", json={"deal_id": deal["id"] + 1})
    assert refused.json()["errors"] == {"deal_id": "deals need the sales plugin, which is not enabled"}
    kept = await crm_client.patch(f"{TICKETS}/{ticket['id']}", json={"subject": "Still works"})
    assert kept.status_code == 200
    assert kept.json()["deal_id"] == deal["id"]
