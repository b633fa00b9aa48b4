"""The board, the list, a deal's pages and the contact and company pages cost the same number
of statements for 3 deals or contacts as for 30."""

from __future__ import annotations

from crm_platform import runtime


async def _statements(client, path: str) -> int:
    """The fewest of a few tries: the plugin state is re-read every couple of seconds by
    whichever request comes then, which is not this page's cost."""
    engine = runtime.current().engine
    await client.get(path)  # warm what a running server has cached
    counts = []
    for _ in range(3):
        before = engine.statements_run
        response = await client.get(path)
        assert response.status_code == 200
        counts.append(engine.statements_run - before)
    return min(counts)


async def test_the_board_and_the_list_do_not_query_per_deal(web_client, crm_client, make_deal, pipeline):
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    stages = [pipeline["by_name"][name]["id"] for name in ("Lead", "Qualified", "Proposal")]
    for number in range(3):
        await make_deal(title=f"Deal {number}", stage_id=stages[number], contacts=[{"contact_id": contact["id"]}])
    few = {path: await _statements(web_client, path) for path in ("/sales/", "/api/v1/sales/deals")}
    for number in range(27):
        await make_deal(title=f"More {number}", stage_id=stages[number % 3], contacts=[{"contact_id": contact["id"]}])
    many = {path: await _statements(web_client, path) for path in ("/sales/", "/api/v1/sales/deals")}
    assert many == few


async def test_the_deal_page_costs_the_same_for_3_contacts_as_for_30(web_client, crm_client, make_deal):
    company = (await crm_client.post("/api/v1/companies", json={"name": "Acme"})).json()
    contacts = [(await crm_client.post("/api/v1/contacts", json={"given_name": f"P{n}"})).json()["id"] for n in range(30)]
    few = await make_deal(company_id=company["id"], contacts=[{"contact_id": c, "role": "user"} for c in contacts[:3]])
    many = await make_deal(company_id=company["id"], contacts=[{"contact_id": c, "role": "user"} for c in contacts])
    for path in ("/sales/deals/{}", "/sales/deals/{}/edit"):
        assert await _statements(web_client, path.format(few["id"])) == await _statements(web_client, path.format(many["id"]))


async def test_the_contact_and_company_pages_cost_the_same_for_3_deals_as_for_30(web_client, crm_client, make_deal):
    company = (await crm_client.post("/api/v1/companies", json={"name": "Acme"})).json()
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    paths = (f"/contacts/{contact['id']}", f"/companies/{company['id']}")
    link = {"company_id": company["id"], "contacts": [{"contact_id": contact["id"], "role": "champion"}]}
    for number in range(3):
        await make_deal(title=f"Deal {number}", **link)
    few = {path: await _statements(web_client, path) for path in paths}
    for number in range(27):
        await make_deal(title=f"More {number}", **link)
    assert {path: await _statements(web_client, path) for path in paths} == few
