"""The deal form on the pages: a new deal started from a contact or a company, edited with its
stage, company and contacts; the deal page and the contact and company pages show the links,
naming only what the viewer may see."""

from __future__ import annotations

import re


async def _contact(client, name: str, **fields) -> dict:
    return (await client.post("/api/v1/contacts", json={"given_name": name, **fields})).json()


async def _company(client, name: str) -> dict:
    return (await client.post("/api/v1/companies", json={"name": name})).json()


async def test_a_contacts_page_offers_a_new_deal_started_with_the_contact_and_its_employer(web_client, crm_client):
    acme = await _company(crm_client, "Acme")
    ada = await _contact(crm_client, "Ada", company_ids=[acme["id"]])
    page = await web_client.get(f"/contacts/{ada['id']}")
    assert f'href="/sales/deals/new?contact={ada["id"]}"' in page.text

    form = await web_client.get("/sales/deals/new", params={"contact": ada["id"]})
    assert form.status_code == 200
    assert f'name="company_pick" value="company:{acme["id"]}" checked' in form.text and "Acme" in form.text
    assert f'name="contact" value="{ada["id"]}"' in form.text and "Ada" in form.text


async def test_a_companys_page_offers_a_new_deal_started_with_the_company(web_client, crm_client):
    acme = await _company(crm_client, "Acme")
    page = await web_client.get(f"/companies/{acme['id']}")
    assert f'href="/sales/deals/new?company={acme["id"]}"' in page.text
    form = await web_client.get("/sales/deals/new", params={"company": acme["id"]})
    assert f'name="company_pick" value="company:{acme["id"]}" checked' in form.text


async def test_the_form_creates_a_deal_with_its_company_and_contacts_in_a_chosen_stage(web_client, crm_client, pipeline):
    acme = await _company(crm_client, "Acme")
    ada, alan = await _contact(crm_client, "Ada"), await _contact(crm_client, "Alan")
    form = await web_client.get("/sales/deals/new")
    response = await web_client.post("/sales/deals/new", data={
        "_csrf_token": web_client.csrf(form.text), "title": "Rollout", "amount": "1200", "currency": "EUR",
        "stage_id": str(pipeline["by_name"]["Qualified"]["id"]), "expected_close_date": "2027-02-01",
        "company_pick": f"company:{acme['id']}", "contact": str(ada["id"]), f"role_{ada['id']}": "decision_maker",
        "add_contact": f"contact:{alan['id']}", "add_role": "champion",
    })
    assert response.status_code == 302, response.text
    deal_id = int(response.headers["location"].rsplit("/", 1)[1])
    deal = (await crm_client.get(f"/api/v1/sales/deals/{deal_id}")).json()
    assert (deal["stage_name"], deal["company_id"], deal["expected_close_date"]) == ("Qualified", acme["id"], "2027-02-01")
    assert [(c["display_name"], c["role"]) for c in deal["contacts"]] == [("Ada", "decision_maker"), ("Alan", "champion")]

    page = await web_client.get(f"/sales/deals/{deal_id}")
    assert f'<a href="/companies/{acme["id"]}">Acme</a>' in page.text
    assert f'<a href="/contacts/{ada["id"]}">Ada</a> <span class="small muted">Decision maker</span>' in page.text


async def test_the_edit_form_changes_the_stage_the_company_and_the_contacts(web_client, crm_client, make_deal, pipeline):
    acme, globex = await _company(crm_client, "Acme"), await _company(crm_client, "Globex")
    ada, alan = await _contact(crm_client, "Ada"), await _contact(crm_client, "Alan")
    deal = await make_deal(title="Fleet", company_id=acme["id"], contacts=[{"contact_id": ada["id"], "role": "user"}])
    form = await web_client.get(f"/sales/deals/{deal['id']}/edit")
    assert form.status_code == 200 and 'value="Fleet"' in form.text
    response = await web_client.post(f"/sales/deals/{deal['id']}/edit", data={
        "_csrf_token": web_client.csrf(form.text), "title": "Fleet XL", "amount": "900", "currency": "EUR",
        "owner_id": "", "stage_id": str(pipeline["by_name"]["Negotiation"]["id"]), "expected_close_date": "",
        "company_pick": f"company:{globex['id']}", "contact": str(ada["id"]), f"role_{ada['id']}": "user",
        "remove_contact": str(ada["id"]), "add_contact": f"contact:{alan['id']}", "add_role": "influencer",
    })
    assert response.status_code == 302, response.text
    saved = (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()
    assert (saved["title"], saved["amount"], saved["stage_name"], saved["company_id"]) == ("Fleet XL", "900.00", "Negotiation", globex["id"])
    assert [(c["display_name"], c["role"]) for c in saved["contacts"]] == [("Alan", "influencer")]
    assert saved["history"][-1]["stage_name"] == "Negotiation"


async def test_a_wrong_field_in_the_edit_form_is_named_and_nothing_changes(web_client, crm_client, make_deal, pipeline):
    deal = await make_deal(title="Fleet", amount="10")
    form = await web_client.get(f"/sales/deals/{deal['id']}/edit")
    response = await web_client.post(f"/sales/deals/{deal['id']}/edit", data={
        "_csrf_token": web_client.csrf(form.text), "title": "Renamed", "amount": "-3", "currency": "EUR",
        "stage_id": str(pipeline["by_name"]["Won"]["id"]), "company_pick": "company:999",
    })
    assert response.status_code == 422
    assert "must not be negative" in response.text and "company 999 does not exist" in response.text
    saved = (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()
    assert (saved["title"], saved["amount"], saved["status"]) == ("Fleet", "10.00", "open")


async def test_closing_as_lost_from_the_edit_form_needs_a_reason_and_rolls_back_the_rest(web_client, crm_client, make_deal, pipeline):
    deal = await make_deal(title="Fleet")
    form = await web_client.get(f"/sales/deals/{deal['id']}/edit")
    response = await web_client.post(f"/sales/deals/{deal['id']}/edit", data={
        "_csrf_token": web_client.csrf(form.text), "title": "Renamed", "amount": "5", "currency": "EUR",
        "stage_id": str(pipeline["by_name"]["Lost"]["id"]), "lost_reason": "",
    })
    assert response.status_code == 422 and "closed as lost with a reason" in response.text
    assert (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()["title"] == "Fleet"


async def test_a_title_too_long_for_the_form_is_named(web_client):
    form = await web_client.get("/sales/deals/new")
    response = await web_client.post("/sales/deals/new", data={"_csrf_token": web_client.csrf(form.text), "title": "x" * 201})
    assert response.status_code == 422 and "Title" in response.text


async def test_the_contact_and_company_pages_list_their_deals(web_client, crm_client, make_deal, pipeline):
    acme = await _company(crm_client, "Acme")
    ada = await _contact(crm_client, "Ada")
    await make_deal(title="Analytical engine", amount="3000", expected_close_date="2027-05-01",
                    stage_id=pipeline["by_name"]["Proposal"]["id"], company_id=acme["id"],
                    contacts=[{"contact_id": ada["id"], "role": "champion"}])
    await make_deal(title="Someone else's")
    for path in (f"/contacts/{ada['id']}", f"/companies/{acme['id']}"):
        page = await web_client.get(path)
        panel = page.text[page.text.index('aria-label="Deals"'):]
        panel = panel[: panel.index("</section>")]
        assert "Analytical engine" in panel and "Someone else" not in panel
        assert "Proposal · 3,000.00 EUR · closes 2027-05-01" in panel


async def test_the_deal_page_does_not_name_contacts_or_a_company_the_viewer_cannot_see(
    crm_make_user, crm_client, sign_in
):
    west, west_token = await crm_make_user("wes@example.com", team="West")
    hidden_company = await _company(crm_client, "Secret Holdings")
    secret = await _contact(crm_client, "Sam Secret")
    deal = (await crm_client.post("/api/v1/sales/deals", json={
        "title": "Shared", "owner_id": west.id, "company_id": hidden_company["id"],
        "contacts": [{"contact_id": secret["id"], "role": "decision_maker"}],
    })).json()
    async with sign_in(west.email) as wes:
        page = await wes.get(f"/sales/deals/{deal['id']}")
        assert page.status_code == 200 and "Shared" in page.text
        assert "Sam Secret" not in page.text and "Secret Holdings" not in page.text
        assert f"/contacts/{secret['id']}" not in page.text and f"/companies/{hidden_company['id']}" not in page.text
        assert "(hidden)" in page.text
        form = await wes.get(f"/sales/deals/{deal['id']}/edit")
        assert "Sam Secret" not in form.text and "Secret Holdings" not in form.text


async def test_the_picker_offers_only_companies_as_radios_named_for_the_form(web_client, crm_client):
    await _company(crm_client, "Acme")
    await _contact(crm_client, "Acme-lover")
    found = await web_client.get("/search/pick", params={"target_q": "acme", "kind": "company", "name": "company_pick"},
                                 headers={"HX-Request": "true"})
    assert re.findall(r'type="(\w+)" name="(\w+)" value="(\w+):', found.text) == [("radio", "company_pick", "company")]


async def test_a_stage_that_does_not_exist_is_named_not_replaced_by_the_default(web_client, crm_client):
    form = await web_client.get("/sales/deals/new")
    response = await web_client.post("/sales/deals/new", data={
        "_csrf_token": web_client.csrf(form.text), "title": "Lost in space", "stage_id": "424242",
    })
    assert response.status_code == 422 and "stage 424242 does not exist" in response.text
    assert (await crm_client.get("/api/v1/sales/deals")).json()["items"] == []
