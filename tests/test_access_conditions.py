"""A plugin's access conditions (``crm_access_conditions``) hide records on every surface at once:
single reads, API lists, the web list, global search, activity links and embedded names, with no
query per row."""

from __future__ import annotations

import types

import pytest
from crm_hookspecs import AccessFilter, hookimpl

from crm_platform.testing import assert_names_hidden, client_for
from tests.web.helpers import sign_in

SECRET = "Secret agent"
# Set by a test to make the plugin's rule fail, as one whose lookup is down would.
RULE_FAILS = {"now": False}


def _need_to_know() -> types.ModuleType:
    """Members do not see contacts whose job title is the secret one, companies in defence,
    nor activities with the secret subject."""
    module = types.ModuleType("needtoknow")

    @hookimpl
    def crm_access_conditions(principal, action, record_type):
        if RULE_FAILS["now"]:
            raise RuntimeError("the rule's lookup is down")
        if principal.role != "member":
            return None
        if record_type == "contact":
            return [AccessFilter("job_title <> {}", (SECRET,))]
        if record_type == "company":
            return [AccessFilter("industry <> {}", ("Defence",))]
        if record_type == "activity":
            return [AccessFilter("subject <> {}", (SECRET,))]
        return None

    module.crm_access_conditions = crm_access_conditions
    return module


@pytest.fixture
def crm_plugins():
    RULE_FAILS["now"] = False
    return [("needtoknow", _need_to_know())]


@pytest.fixture
async def member(crm_make_user, crm_running_app):
    principal, token = await crm_make_user("member@example.com", role="member", team="Field")
    async with client_for(crm_running_app, token) as client:
        yield principal, client


async def _contact(client, name: str, **fields) -> dict:
    response = await client.post("/api/v1/contacts", json={"given_name": name, **fields})
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.exercises("crm_access_conditions")
async def test_a_hidden_contact_is_left_out_of_lists_search_and_reads(crm_client, member):
    principal, as_member = member
    spy = await _contact(crm_client, "Bond", job_title=SECRET, owner_id=principal.id)
    clerk = await _contact(crm_client, "Moneypenny", job_title="Secretary", owner_id=principal.id)

    listed = (await as_member.get("/api/v1/contacts")).json()["items"]
    assert [item["id"] for item in listed] == [clerk["id"]]
    assert (await as_member.get(f"/api/v1/contacts/{spy['id']}")).status_code == 403
    assert (await as_member.get("/api/v1/search", params={"q": "bond"})).json()["items"] == []
    # The admin, whom the condition does not narrow, sees both.
    assert len((await crm_client.get("/api/v1/contacts")).json()["items"]) == 2
    assert (await crm_client.get("/api/v1/search", params={"q": "bond"})).json()["items"]


async def test_a_hidden_contact_cannot_be_linked_from_an_activity(crm_client, member):
    principal, as_member = member
    spy = await _contact(crm_client, "Bond", job_title=SECRET, owner_id=principal.id)
    response = await as_member.post("/api/v1/activities", json={"type": "call", "participant_ids": [spy["id"]]})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "participant_ids[0]": f"contact {spy['id']} does not exist or you may not change it"
    }


async def test_a_hidden_companys_name_is_left_out_of_the_contacts_it_employs_and_my_day(
    crm_client, member, crm_running_app
):
    principal, as_member = member
    ada = await _contact(as_member, "Ada")
    arms = (await crm_client.post(
        "/api/v1/companies", json={"name": "Arms Ltd", "industry": "Defence", "owner_id": principal.id}
    )).json()
    await crm_client.post("/api/v1/relationships", json={
        "type": "works_at", "source": {"type": "contact", "id": ada["id"]}, "target": {"type": "company", "id": arms["id"]},
    })
    await crm_client.post("/api/v1/activities", json={
        "type": "call", "subject": "Intro", "owner_id": principal.id, "participant_ids": [ada["id"]],
        "links": [{"record_type": "company", "record_id": arms["id"]}],
    })
    assert (await as_member.get(f"/api/v1/contacts/{ada['id']}")).json()["companies"] == []
    async with client_for(crm_running_app) as browser:
        await sign_in(browser, "member@example.com")
        await assert_names_hidden(browser, f"/contacts/{ada['id']}", "Arms Ltd")
        home = await assert_names_hidden(browser, "/", "Arms Ltd")
        assert "Intro" in home.text


async def test_a_hidden_company_is_left_out_of_the_company_list(crm_client, member):
    principal, as_member = member
    for name, industry in (("Acme", "Retail"), ("Arms Ltd", "Defence")):
        response = await crm_client.post(
            "/api/v1/companies", json={"name": name, "industry": industry, "owner_id": principal.id}
        )
        assert response.status_code == 201
    listed = (await as_member.get("/api/v1/companies")).json()["items"]
    assert [item["name"] for item in listed] == ["Acme"]


async def test_the_contacts_page_of_a_member_leaves_the_hidden_contact_out(crm_client, member, crm_running_app):
    principal, _ = member
    await _contact(crm_client, "Bond", job_title=SECRET, owner_id=principal.id)
    await _contact(crm_client, "Moneypenny", owner_id=principal.id)
    async with client_for(crm_running_app) as browser:
        await sign_in(browser, "member@example.com")
        page = await browser.get("/contacts")
        assert page.status_code == 200
        assert "Moneypenny" in page.text and "Bond" not in page.text
        found = await browser.get("/search", params={"q": "bond"})
        assert "Bond" not in found.text


async def test_a_failing_condition_hides_every_record_of_the_kind(crm_client, member):
    principal, as_member = member
    await _contact(crm_client, "Moneypenny", owner_id=principal.id)
    RULE_FAILS["now"] = True
    response = await as_member.get("/api/v1/contacts")
    assert response.status_code == 200
    assert response.json()["items"] == []


async def test_statements_per_list_page_do_not_grow_with_the_page(crm_client, member):
    principal, as_member = member
    from crm_platform import runtime

    engine = runtime.current().engine

    async def statements(limit: int) -> int:
        await as_member.get("/api/v1/contacts", params={"limit": limit})
        before = engine.statements_run
        response = await as_member.get("/api/v1/contacts", params={"limit": limit})
        assert response.status_code == 200
        return engine.statements_run - before

    await crm_client.post(
        "/api/v1/contacts/bulk",
        json={"contacts": [{"given_name": f"Agent {n}", "owner_id": principal.id} for n in range(30)]},
    )
    assert await statements(3) == await statements(30)



async def test_an_activity_a_condition_hides_is_left_off_the_timeline_and_my_day(crm_client, member, crm_running_app):
    principal, as_member = member
    ada = await _contact(as_member, "Ada")
    for subject in (SECRET, "Plain call"):
        response = await crm_client.post("/api/v1/activities", json={
            "type": "call", "subject": subject, "owner_id": principal.id, "participant_ids": [ada["id"]],
        })
        assert response.status_code == 201, response.text
    timeline = (await as_member.get(f"/api/v1/contacts/{ada['id']}/timeline")).json()["items"]
    assert [item["title"] for item in timeline] == ["Plain call"]
    async with client_for(crm_running_app) as browser:
        await sign_in(browser, "member@example.com")
        home = await assert_names_hidden(browser, "/", SECRET)
        assert "Plain call" in home.text
