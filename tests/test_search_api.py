"""Global search: prefix matching over names, emails, phones and company names."""

from __future__ import annotations

import types

import pytest
from crm_hookspecs import SearchResult, hookimpl

from crm_platform.testing import client_for


def _probe() -> types.ModuleType:
    module = types.ModuleType("probe")

    @hookimpl
    async def crm_search(query, principal, limit):
        if query.lower().startswith("big"):
            return [SearchResult("deal", 7, "Big deal", "Won", href="/probe/deals/7")]
        return None

    module.crm_search = crm_search
    return module


@pytest.fixture
def crm_plugins():
    return [("probe", _probe())]


async def search(client, q, **params):
    response = await client.get("/api/v1/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return [(item["kind"], item["title"]) for item in response.json()["items"]]


@pytest.fixture
async def people(crm_client):
    await crm_client.post(
        "/api/v1/contacts",
        json={"given_name": "Ada", "family_name": "Lovelace", "emails": [{"address": "ada.lovelace@example.com"}],
              "phones": [{"number": "+44 20 7946 0958"}]},
    )
    await crm_client.post("/api/v1/contacts", json={"given_name": "Adam", "family_name": "Smith"})
    await crm_client.post("/api/v1/companies", json={"name": "Analytical Engines Ltd", "domains": ["engines.co.uk"]})
    return crm_client


async def test_names_match_by_prefix(people):
    assert await search(people, "lov") == [("contact", "Ada Lovelace")]
    assert await search(people, "velace") == []
    assert set(await search(people, "ada")) == {("contact", "Ada Lovelace"), ("contact", "Adam Smith")}


async def test_a_partly_typed_email_finds_the_contact(people):
    assert await search(people, "ada.lovel") == [("contact", "Ada Lovelace")]


async def test_a_phone_typed_with_spaces_or_nationally_finds_the_contact(people):
    assert await search(people, "+44 20 7946") == [("contact", "Ada Lovelace")]
    assert await search(people, "020 7946 0958") == [("contact", "Ada Lovelace")]


async def test_company_names_and_domains_are_found(people):
    assert await search(people, "analytical eng") == [("company", "Analytical Engines Ltd")]
    assert await search(people, "engines.co") == [("company", "Analytical Engines Ltd")]


async def test_a_renamed_company_is_found_by_its_new_name_only(people):
    [company] = (await people.get("/api/v1/companies")).json()["items"]
    await people.patch(f"/api/v1/companies/{company['id']}", json={"name": "Difference Works"})
    assert await search(people, "analytical") == []
    assert await search(people, "difference") == [("company", "Difference Works")]


async def test_plugins_hits_follow_the_cores_with_their_links(crm_client):
    created = await crm_client.post("/api/v1/companies", json={"name": "Big Ben Clocks"})
    assert created.status_code == 201, created.text
    response = await crm_client.get("/api/v1/search", params={"q": "big"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(item["kind"], item["title"]) for item in items] == [("company", "Big Ben Clocks"), ("deal", "Big deal")]
    assert items[0]["href"] == f"/companies/{created.json()['id']}"
    assert items[1] == {"kind": "deal", "id": 7, "title": "Big deal", "subtitle": "Won", "href": "/probe/deals/7"}


async def test_an_empty_query_finds_nothing(people):
    assert await search(people, "  ") == []


async def test_members_find_only_what_they_may_see(crm_running_app, crm_make_user):
    _, alice_token = await crm_make_user("alice@example.com", team="north")
    _, bea_token = await crm_make_user("bea@example.com", team="south")
    async with client_for(crm_running_app, alice_token) as alice, client_for(crm_running_app, bea_token) as bea:
        await alice.post("/api/v1/companies", json={"name": "Northwind"})
        assert await search(bea, "northw") == []
        assert await search(alice, "northw") == [("company", "Northwind")]


async def test_plugin_index_entries_come_only_through_the_plugins_own_search_hook(crm_client, crm_admin):
    from crm_platform.db.unit import unit_of_work
    from crm_platform.search.index import Entry, upsert

    async with unit_of_work():
        await upsert([Entry("other.thing", 7, "Zebra crossing", "", ("zebra",), crm_admin[0].id)])
    response = await crm_client.get("/api/v1/search", params={"q": "zebra"})
    assert response.status_code == 200
    assert response.json()["items"] == []
