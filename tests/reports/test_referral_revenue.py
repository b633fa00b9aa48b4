"""Revenue from referrals: with the sales plugin on, the core's referrals report shows what
the contacts each referrer brought in produced in won deals, through ``crm_contact_revenue``,
counting only the deals and contacts the viewer may see."""

from __future__ import annotations

import pytest

from crm_platform.testing import client_for

pytestmark = pytest.mark.postgres


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["sales"]


@pytest.fixture
async def member_client(crm_running_app, crm_make_user):
    principal, token = await crm_make_user("member@example.com", role="member", team="East")
    async with client_for(crm_running_app, token) as client:
        yield client


async def _closed_deal(client, admin, outcome: str, **fields) -> None:
    """A deal made by ``client``, then won or lost."""
    response = await client.post("/api/v1/sales/deals", json={"title": "Deal", **fields})
    assert response.status_code == 201, response.text
    stages = {stage["name"]: stage for stage in (await admin.get("/api/v1/sales/pipelines")).json()[0]["stages"]}
    moved = await admin.post(f"/api/v1/sales/deals/{response.json()['id']}/move", json={
        "stage_id": stages[outcome]["id"], "lost_reason": "Price" if outcome == "Lost" else None})
    assert moved.status_code == 201, moved.text


@pytest.mark.exercises("crm_contact_revenue")
async def test_the_referrals_report_shows_what_the_referred_contacts_won_deals_brought_in(
    crm_client, member_client
):
    async def contact(name: str, client=None) -> dict:
        response = await (client or crm_client).post("/api/v1/contacts", json={"given_name": name})
        assert response.status_code == 201, response.text
        return response.json()

    ada, bea, cid = await contact("Ada Referrer"), await contact("Bea"), await contact("Cid", member_client)
    for referred in (bea, cid):
        response = await crm_client.post("/api/v1/relationships", json={
            "type": "referred_by", "source": {"type": "contact", "id": referred["id"]},
            "target": {"type": "contact", "id": ada["id"]}})
        assert response.status_code == 201, response.text
    for who, amount, currency, outcome in ((bea, "1200", "EUR", "Won"), (bea, "300", "USD", "Won"),
                                           (cid, "50", "EUR", "Won"), (cid, "999", "EUR", "Lost")):
        client = member_client if who is cid else None
        await _closed_deal(client or crm_client, crm_client, outcome, amount=amount, currency=currency,
                           contacts=[{"contact_id": who["id"]}])
    # A won deal of no referred contact is not counted.
    await _closed_deal(crm_client, crm_client, "Won", amount="5000", currency="EUR")

    body = (await crm_client.get("/api/v1/reports/referrals")).json()
    assert [column["key"] for column in body["columns"]][-1] == "revenue"
    assert body["rows"] == [{"referrer": "Ada Referrer", "referred": 2, "customers": 0, "former": 0,
                             "customer_rate": 0.0, "revenue": "1,250.00 EUR; 300.00 USD"}]
    # The member sees only Cid, whom she owns, and only the deal she may see.
    theirs = (await member_client.get("/api/v1/reports/referrals")).json()
    assert theirs["rows"] == [{"referrer": "Someone you cannot see", "referred": 1, "customers": 0, "former": 0,
                               "customer_rate": 0.0, "revenue": "50.00 EUR"}]
    csv_text = (await crm_client.get("/api/v1/reports/referrals", params={"format": "csv"})).text
    assert "Revenue of those referred" in csv_text.splitlines()[0]
