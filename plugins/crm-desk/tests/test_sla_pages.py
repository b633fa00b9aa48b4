"""SLA policies in the browser: an admin lists, creates, edits and deletes them at /desk/sla,
through the same checks as the API; a wrong field comes back beside the field, with a 422."""

from __future__ import annotations

RULES = "/api/v1/desk/sla/rules"


async def post_form(client, url: str, page_url: str, **fields):
    page = await client.get(page_url)
    assert page.status_code == 200, page.text
    return await client.post(url, data={"_csrf_token": client.csrf(page.text), **fields})


async def test_an_admin_creates_edits_and_deletes_a_policy_on_the_page(web_client, crm_client):
    queues = await web_client.get("/desk/")
    assert 'href="/desk/sla"' in queues.text
    company = (await crm_client.post("/api/v1/companies", json={"name": "Acme"})).json()["id"]

    created = await post_form(web_client, "/desk/sla/new", "/desk/sla/new", **{
        "name": "Acme billing", "company_pick": f"company:{company}", "category": "billing",
        "targets.urgent.first_response_minutes": "30", "targets.urgent.resolution_minutes": "240",
    })
    assert created.status_code == 303 and created.headers["location"] == "/desk/sla", created.text
    listed = await web_client.get("/desk/sla")
    assert "Acme billing" in listed.text and "urgent: 30 business minutes / 4 business hours" in listed.text
    [policy] = (await crm_client.get(RULES)).json()
    assert policy["company_id"] == company and policy["category"] == "billing"
    assert policy["targets"] == {"urgent": {"first_response_minutes": 30, "resolution_minutes": 240}}

    edit = await web_client.get(f"/desk/sla/{policy['id']}")
    assert f'value="company:{company}" checked' in edit.text and 'value="240"' in edit.text
    changed = await post_form(web_client, f"/desk/sla/{policy['id']}", f"/desk/sla/{policy['id']}", **{
        "name": "Acme billing", "company_pick": f"company:{company}", "category": "billing",
        "targets.high.first_response_minutes": "60", "targets.high.resolution_minutes": "480",
    })
    assert changed.status_code == 303, changed.text
    assert (await crm_client.get(f"{RULES}/{policy['id']}")).json()["targets"] == {
        "high": {"first_response_minutes": 60, "resolution_minutes": 480}}
    history = (await crm_client.get(f"{RULES}/{policy['id']}/history")).json()
    assert [entry["action"] for entry in history] == ["update", "create"]

    deleted = await post_form(web_client, f"/desk/sla/{policy['id']}/delete", "/desk/sla")
    assert deleted.status_code == 303
    assert "No SLA policies yet" in (await web_client.get("/desk/sla")).text
    assert (await crm_client.get(RULES)).json() == []


async def test_wrong_fields_come_back_beside_each_field_with_a_422(web_client, crm_client):
    bad = await post_form(web_client, "/desk/sla/new", "/desk/sla/new", **{
        "name": "", "category": "", "company_pick": "",
        "targets.urgent.first_response_minutes": "soon", "targets.urgent.resolution_minutes": "240",
        "targets.high.first_response_minutes": "600", "targets.high.resolution_minutes": "60",
    })
    assert bad.status_code == 422
    assert 'id="sla-name-error">must not be empty' in bad.text
    assert 'id="sla-company_id-error">give a company, a category or both' in bad.text
    assert ('id="sla-targets.urgent.first_response_minutes-error">must be a whole number of business minutes'
            in bad.text)
    assert 'id="sla-targets.high.resolution_minutes-error">must not be shorter than the first response' in bad.text
    assert 'value="soon"' in bad.text  # what was typed stays
    empty = await post_form(web_client, "/desk/sla/new", "/desk/sla/new", name="Billing", category="billing")
    assert empty.status_code == 422 and 'id="sla-targets-error">must name at least one priority' in empty.text
    assert (await crm_client.get(RULES)).json() == []


async def test_an_agent_without_the_manage_permission_sees_policies_but_cannot_change_them(
    crm_client, crm_make_user, sign_in,
):
    await crm_client.post(RULES, json={"name": "Billing", "category": "billing", "targets": {
        "low": {"first_response_minutes": 600, "resolution_minutes": 6000}}})
    await crm_make_user("kim@example.com", role="member")
    async with sign_in("kim@example.com") as kim:
        listed = await kim.get("/desk/sla")
        assert listed.status_code == 200 and "Billing" in listed.text and "New SLA policy" not in listed.text
        assert (await kim.get("/desk/sla/new")).status_code == 403
        refused = await kim.post("/desk/sla/new", data={"_csrf_token": kim.csrf(listed.text), "name": "Mine",
                                                        "category": "x"})
        assert refused.status_code == 403
