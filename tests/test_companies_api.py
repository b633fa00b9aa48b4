"""Companies through the REST API: clean domains, hierarchy, people, access, pagination."""

from __future__ import annotations

import types

import pytest
from crm_hookspecs import Event, hookimpl

from crm_platform.testing import client_for

EVENTS: list[Event] = []


def _event_log() -> types.ModuleType:
    module = types.ModuleType("eventlog")

    @hookimpl
    def crm_event(event: Event) -> None:
        EVENTS.append(event)

    module.crm_event = crm_event
    return module


@pytest.fixture
def crm_plugins():
    EVENTS.clear()
    return [("eventlog", _event_log())]


async def create(client, **fields):
    response = await client.post("/api/v1/companies", json=fields)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_new_company_has_lower_case_unique_domains(crm_client):
    company = await create(
        crm_client, name=" Acme  Ltd ", domains=["Acme.COM", "https://www.acme.com/about", "acme.co.uk"],
        size="11-50", tags=["Partner"],
    )
    assert company["name"] == "Acme Ltd"
    assert company["domains"] == ["acme.com", "acme.co.uk"]
    assert company["size"] == "11-50"
    assert company["tags"] == ["partner"]
    fetched = await crm_client.get(f"/api/v1/companies/{company['id']}")
    assert fetched.json()["domains"] == ["acme.com", "acme.co.uk"]


async def test_creating_changing_and_deleting_are_announced_after_commit(crm_client):
    company = await create(crm_client, name="Acme")
    await crm_client.patch(f"/api/v1/companies/{company['id']}", json={"industry": "Retail"})
    await crm_client.delete(f"/api/v1/companies/{company['id']}")
    own = [event for event in EVENTS if event.name.startswith("Company")]
    assert [(event.name, event.company_id) for event in own] == [
        ("CompanyCreated", company["id"]), ("CompanyUpdated", company["id"]), ("CompanyDeleted", company["id"])
    ]
    assert own[1].changes == {"industry": {"from": "", "to": "Retail"}}


async def test_every_write_is_also_announced_as_a_record_event_of_kind_company(crm_client):
    company = await create(crm_client, name="Acme")
    await crm_client.patch(f"/api/v1/companies/{company['id']}", json={"industry": "Retail"})
    await crm_client.delete(f"/api/v1/companies/{company['id']}")
    generic = [event for event in EVENTS if event.name.startswith("Record")]
    assert [(event.name, event.kind, event.record_id) for event in generic] == [
        ("RecordCreated", "company", company["id"]), ("RecordUpdated", "company", company["id"]),
        ("RecordDeleted", "company", company["id"]),
    ]
    assert generic[1].changes == {"industry": {"from": "", "to": "Retail"}}
    assert generic[2].values["name"] == "Acme"


async def test_invalid_fields_are_named_in_a_422(crm_client):
    response = await crm_client.post(
        "/api/v1/companies", json={"name": "X", "domains": ["not a host", "localhost"], "size": "huge"}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"domains[0]", "domains[1]", "size"}


async def test_a_name_is_required(crm_client):
    assert (await crm_client.post("/api/v1/companies", json={"domains": ["a.com"]})).status_code == 422
    response = await crm_client.post("/api/v1/companies", json={"name": "   "})
    assert response.status_code == 422
    assert "name" in response.json()["errors"]


async def test_a_missing_parent_is_a_422_naming_parent_id(crm_client):
    response = await crm_client.post("/api/v1/companies", json={"name": "Orphan", "parent_id": 99999})
    assert response.status_code == 422
    assert "parent_id" in response.json()["errors"]


async def test_a_parent_that_is_a_subsidiary_would_make_a_cycle_and_is_refused(crm_client):
    group = await create(crm_client, name="Group")
    division = await create(crm_client, name="Division", parent_id=group["id"])
    team = await create(crm_client, name="Team", parent_id=division["id"])
    response = await crm_client.patch(f"/api/v1/companies/{group['id']}", json={"parent_id": team["id"]})
    assert response.status_code == 422
    assert "cycle" in response.json()["errors"]["parent_id"]
    itself = await crm_client.patch(f"/api/v1/companies/{group['id']}", json={"parent_id": group["id"]})
    assert itself.status_code == 422


async def test_patch_changes_only_given_fields(crm_client):
    company = await create(crm_client, name="Acme", industry="Software", domains=["acme.com"])
    response = await crm_client.patch(f"/api/v1/companies/{company['id']}", json={"industry": "Retail"})
    assert response.status_code == 200, response.text
    assert response.json()["industry"] == "Retail"
    assert response.json()["domains"] == ["acme.com"]


async def test_deleting_a_parent_keeps_its_subsidiaries_without_a_parent(crm_client):
    group = await create(crm_client, name="Group")
    child = await create(crm_client, name="Child", parent_id=group["id"])
    assert (await crm_client.delete(f"/api/v1/companies/{group['id']}")).status_code == 204
    assert (await crm_client.get(f"/api/v1/companies/{group['id']}")).status_code == 404
    assert (await crm_client.get(f"/api/v1/companies/{child['id']}")).json()["parent_id"] is None


async def test_deleting_a_company_removes_who_works_there(crm_client):
    company = await create(crm_client, name="Gone Inc")
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "company_ids": [company["id"]]})).json()
    await crm_client.delete(f"/api/v1/companies/{company['id']}")
    assert (await crm_client.get(f"/api/v1/contacts/{contact['id']}")).json()["companies"] == []


async def test_list_filters_by_industry_parent_and_tag_and_pages_by_name(crm_client):
    group = await create(crm_client, name="Group", industry="Holding")
    for name in ["Delta", "Alpha", "Charlie", "Bravo"]:
        await create(crm_client, name=name, industry="Retail", parent_id=group["id"], tags=["shop"])
    first = (await crm_client.get("/api/v1/companies", params={"industry": "retail", "limit": 3})).json()
    assert [item["name"] for item in first["items"]] == ["Alpha", "Bravo", "Charlie"]
    second = (await crm_client.get(
        "/api/v1/companies", params={"industry": "retail", "limit": 3, "cursor": first["next_cursor"]}
    )).json()
    assert [item["name"] for item in second["items"]] == ["Delta"]
    assert second["next_cursor"] is None
    children = (await crm_client.get("/api/v1/companies", params={"parent_id": group["id"], "sort": "-name"})).json()
    assert [item["name"] for item in children["items"]] == ["Delta", "Charlie", "Bravo", "Alpha"]
    tagged = (await crm_client.get("/api/v1/companies", params={"tag": "SHOP"})).json()
    assert len(tagged["items"]) == 4


async def test_a_bad_sort_cursor_or_custom_filter_is_a_422(crm_client):
    for params in ({"sort": "owner"}, {"cursor": "garbage"}, {"custom": "nokey"}, {"custom": "size:big"}):
        assert (await crm_client.get("/api/v1/companies", params=params)).status_code == 422, params


async def test_people_lists_the_contacts_who_work_there(crm_client):
    company = await create(crm_client, name="Acme")
    for name in ["Zoe", "Ann"]:
        await crm_client.post("/api/v1/contacts", json={"given_name": name, "company_ids": [company["id"]]})
    await crm_client.post("/api/v1/contacts", json={"given_name": "Elsewhere"})
    people = (await crm_client.get(f"/api/v1/companies/{company['id']}/people")).json()
    assert [person["display_name"] for person in people["items"]] == ["Ann", "Zoe"]


async def test_hierarchy_shows_ancestors_and_descendants_up_to_the_depth(crm_client):
    top = await create(crm_client, name="Top")
    middle = await create(crm_client, name="Middle", parent_id=top["id"])
    one = await create(crm_client, name="One", parent_id=middle["id"])
    await create(crm_client, name="Two", parent_id=middle["id"])
    await create(crm_client, name="Grandchild", parent_id=one["id"])
    tree = (await crm_client.get(f"/api/v1/companies/{middle['id']}/hierarchy", params={"depth": 1})).json()
    assert [node["name"] for node in tree["ancestors"]] == ["Top"]
    assert [(node["name"], node["depth"]) for node in tree["descendants"]] == [("One", 1), ("Two", 1)]
    deeper = (await crm_client.get(f"/api/v1/companies/{middle['id']}/hierarchy", params={"depth": 2})).json()
    assert [node["name"] for node in deeper["descendants"]] == ["One", "Two", "Grandchild"]


async def test_history_lists_changes_newest_first(crm_client):
    company = await create(crm_client, name="Acme")
    await crm_client.patch(f"/api/v1/companies/{company['id']}", json={"name": "Acme Group"})
    history = (await crm_client.get(f"/api/v1/companies/{company['id']}/history")).json()
    assert [entry["action"] for entry in history["items"]] == ["update", "create"]
    assert history["items"][0]["changes"]["name"] == {"from": "Acme", "to": "Acme Group"}


async def test_members_get_403_on_another_teams_company(crm_running_app, crm_make_user):
    _, alice_token = await crm_make_user("alice@example.com", team="north")
    _, bea_token = await crm_make_user("bea@example.com", team="south")
    async with client_for(crm_running_app, alice_token) as alice, client_for(crm_running_app, bea_token) as bea:
        mine = await create(alice, name="North Ltd")
        await create(bea, name="South Ltd")
        url = f"/api/v1/companies/{mine['id']}"
        assert (await bea.get(url)).status_code == 403
        assert (await bea.patch(url, json={"name": "x"})).status_code == 403
        assert (await bea.delete(url)).status_code == 403
        for part in ("people", "hierarchy", "history", "timeline"):
            assert (await bea.get(f"{url}/{part}")).status_code == 403, part
        names = [item["name"] for item in (await alice.get("/api/v1/companies")).json()["items"]]
        assert names == ["North Ltd"]
        hidden_parent = await bea.post("/api/v1/companies", json={"name": "Sub", "parent_id": mine["id"]})
        assert hidden_parent.status_code == 422
