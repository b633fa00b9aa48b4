"""Relationships through the REST API: registered types, both directions, graph, access."""

from __future__ import annotations

from crm_platform.audit.service import history
from crm_platform.testing import client_for


async def contact(client, name, **fields):
    response = await client.post("/api/v1/contacts", json={"given_name": name, **fields})
    assert response.status_code == 201, response.text
    return response.json()


async def company(client, name):
    response = await client.post("/api/v1/companies", json={"name": name})
    assert response.status_code == 201, response.text
    return response.json()


async def relate(client, type_, source, target, **fields):
    return await client.post(
        "/api/v1/relationships",
        json={"type": type_, "source": source, "target": target, **fields},
    )


def ref(kind, record):
    return {"type": kind, "id": record["id"]}


async def test_a_relationship_reads_both_ways_from_each_record(crm_client):
    ada = await contact(crm_client, "Ada")
    acme = await company(crm_client, "Acme")
    response = await relate(crm_client, "works_at", ref("contact", ada), ref("company", acme), role="CTO", since="2020-01-01")
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["label"] == "works at"
    assert created["source"]["name"] == "Ada" and created["target"]["name"] == "Acme"
    from_company = (await crm_client.get(
        "/api/v1/relationships", params={"record_type": "company", "record_id": acme["id"]}
    )).json()["items"]
    assert [(item["label"], item["role"]) for item in from_company] == [("employs", "CTO")]
    from_person = (await crm_client.get(
        "/api/v1/relationships", params={"record_type": "contact", "record_id": ada["id"]}
    )).json()["items"]
    assert [item["label"] for item in from_person] == ["works at"]


async def test_an_unknown_type_is_a_422_listing_the_known_ones(crm_client):
    ada = await contact(crm_client, "Ada")
    bob = await contact(crm_client, "Bob")
    response = await relate(crm_client, "married_to", ref("contact", ada), ref("contact", bob))
    assert response.status_code == 422
    assert "works_at" in response.json()["errors"]["type"]


async def test_a_type_refuses_ends_of_the_wrong_kind(crm_client):
    ada = await contact(crm_client, "Ada")
    acme = await company(crm_client, "Acme")
    response = await relate(crm_client, "works_at", ref("company", acme), ref("contact", ada))
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"source.type", "target.type"}


async def test_a_missing_end_is_a_422_naming_it(crm_client):
    ada = await contact(crm_client, "Ada")
    response = await relate(crm_client, "reports_to", ref("contact", ada), {"type": "contact", "id": 99999})
    assert response.status_code == 422
    assert "target.id" in response.json()["errors"]


async def test_the_same_relationship_twice_is_a_409(crm_client):
    ada = await contact(crm_client, "Ada")
    bob = await contact(crm_client, "Bob")
    assert (await relate(crm_client, "reports_to", ref("contact", ada), ref("contact", bob))).status_code == 201
    assert (await relate(crm_client, "reports_to", ref("contact", ada), ref("contact", bob))).status_code == 409


async def test_until_before_since_is_a_422(crm_client):
    ada = await contact(crm_client, "Ada")
    bob = await contact(crm_client, "Bob")
    response = await relate(
        crm_client, "partner_of", ref("contact", ada), ref("contact", bob), since="2024-05-01", until="2023-01-01"
    )
    assert response.status_code == 422
    assert "until" in response.json()["errors"]


async def test_patch_changes_role_and_dates_and_delete_removes(crm_client):
    ada = await contact(crm_client, "Ada")
    acme = await company(crm_client, "Acme")
    created = (await relate(crm_client, "works_at", ref("contact", ada), ref("company", acme))).json()
    url = f"/api/v1/relationships/{created['id']}"
    patched = await crm_client.patch(url, json={"role": "CEO", "until": "2025-12-31"})
    assert patched.status_code == 200, patched.text
    assert (patched.json()["role"], patched.json()["until"]) == ("CEO", "2025-12-31")
    bad = await crm_client.patch(url, json={"since": "2026-01-01"})
    assert bad.status_code == 422
    assert (await crm_client.delete(url)).status_code == 204
    assert (await crm_client.get(url)).status_code == 404
    assert [entry["action"] for entry in await history("relationship", created["id"])] == [
        "delete", "update", "create"
    ]


async def test_list_filters_by_type(crm_client):
    ada = await contact(crm_client, "Ada")
    bob = await contact(crm_client, "Bob")
    acme = await company(crm_client, "Acme")
    await relate(crm_client, "works_at", ref("contact", ada), ref("company", acme))
    await relate(crm_client, "reports_to", ref("contact", bob), ref("contact", ada))
    reports = (await crm_client.get("/api/v1/relationships", params={"type": "reports_to"})).json()["items"]
    assert [(item["source"]["name"], item["target"]["name"]) for item in reports] == [("Bob", "Ada")]


async def test_graph_walks_relationships_breadth_first_to_the_depth(crm_client):
    ada = await contact(crm_client, "Ada")
    bob = await contact(crm_client, "Bob")
    cy = await contact(crm_client, "Cy")
    acme = await company(crm_client, "Acme")
    await relate(crm_client, "works_at", ref("contact", ada), ref("company", acme))
    await relate(crm_client, "works_at", ref("contact", bob), ref("company", acme))
    await relate(crm_client, "reports_to", ref("contact", cy), ref("contact", bob))
    one = (await crm_client.get(f"/api/v1/contacts/{ada['id']}/graph", params={"depth": 1})).json()
    assert {node["name"] for node in one["nodes"]} == {"Ada", "Acme"}
    two = (await crm_client.get(f"/api/v1/contacts/{ada['id']}/graph", params={"depth": 2})).json()
    assert {node["name"] for node in two["nodes"]} == {"Ada", "Acme", "Bob"}
    three = (await crm_client.get(f"/api/v1/contacts/{ada['id']}/graph", params={"depth": 3})).json()
    assert {node["name"] for node in three["nodes"]} == {"Ada", "Acme", "Bob", "Cy"}
    assert {"type": "reports_to", "label": "reports to", "source": f"contact:{cy['id']}",
            "target": f"contact:{bob['id']}"} in three["edges"]
    assert (await crm_client.get(f"/api/v1/contacts/{ada['id']}/graph", params={"depth": 4})).status_code == 422


async def test_graph_costs_one_query_per_level_whatever_the_fan_out(crm_client, crm_engine):
    async def cost(fan_out):
        centre = await contact(crm_client, f"Centre{fan_out}")
        for index in range(fan_out):
            other = await contact(crm_client, f"Peer{fan_out}-{index}")
            await relate(crm_client, "partner_of", ref("contact", centre), ref("contact", other))
        before = crm_engine.statements_run
        response = await crm_client.get(f"/api/v1/contacts/{centre['id']}/graph", params={"depth": 2})
        assert response.status_code == 200
        return crm_engine.statements_run - before, len(response.json()["nodes"])

    small, small_nodes = await cost(2)
    large, large_nodes = await cost(12)
    assert (small_nodes, large_nodes) == (3, 13)
    assert small == large


async def test_the_graph_leaves_out_records_of_another_team(crm_running_app, crm_make_user):
    _, alice_token = await crm_make_user("alice@example.com", team="north")
    _, bea_token = await crm_make_user("bea@example.com", team="south")
    async with client_for(crm_running_app, alice_token) as alice, client_for(crm_running_app, bea_token) as bea:
        ada = await contact(alice, "Ada")
        hidden = await contact(bea, "Hidden")
        assert (await relate(bea, "partner_of", ref("contact", hidden), ref("contact", ada))).status_code == 403
        graph = (await alice.get(f"/api/v1/contacts/{ada['id']}/graph")).json()
        assert [node["name"] for node in graph["nodes"]] == ["Ada"]


async def test_members_get_403_on_another_teams_relationships(crm_running_app, crm_make_user):
    _, alice_token = await crm_make_user("alice@example.com", team="north")
    _, bea_token = await crm_make_user("bea@example.com", team="south")
    async with client_for(crm_running_app, alice_token) as alice, client_for(crm_running_app, bea_token) as bea:
        ada = await contact(alice, "Ada")
        bob = await contact(alice, "Bob")
        mine = await contact(bea, "Bea's")
        link = (await relate(alice, "reports_to", ref("contact", ada), ref("contact", bob))).json()
        url = f"/api/v1/relationships/{link['id']}"
        assert (await bea.get(url)).status_code == 403
        assert (await bea.patch(url, json={"role": "x"})).status_code == 403
        assert (await bea.delete(url)).status_code == 403
        assert (await bea.get("/api/v1/relationships", params={"record_type": "contact", "record_id": ada["id"]})).status_code == 403
        assert (await bea.get(f"/api/v1/contacts/{ada['id']}/graph")).status_code == 403
        assert (await relate(bea, "partner_of", ref("contact", mine), ref("contact", ada))).status_code == 403
        assert (await relate(bea, "partner_of", ref("contact", ada), ref("contact", mine))).status_code == 403
        assert (await bea.get("/api/v1/relationships")).json()["items"] == []


async def test_the_toolkit_reads_a_records_relationships_of_a_type_with_both_ends_visible(
    crm_running_app, crm_make_user, crm_client
):
    from crm_platform.toolkit import get_relationships

    alice, alice_token = await crm_make_user("alice@example.com", team="north")
    bea, bea_token = await crm_make_user("bea@example.com", team="south")  # sees Hidden, not Ada
    async with client_for(crm_running_app, alice_token) as alice_client, client_for(crm_running_app, bea_token) as bea_client:
        acme = await company(alice_client, "Acme")
        ada = await contact(alice_client, "Ada", company_ids=[acme["id"]])
        bob = await contact(alice_client, "Bob")
        hidden = await contact(bea_client, "Hidden")
        await relate(alice_client, "reports_to", ref("contact", ada), ref("contact", bob))
    await relate(crm_client, "partner_of", ref("contact", ada), ref("contact", hidden))
    works_at = await get_relationships(alice, "contact", ada["id"], "works_at")
    everything = await get_relationships(alice, "contact", ada["id"])
    assert [(row["type"], row["target_type"], row["target_id"]) for row in works_at] == [("works_at", "company", acme["id"])]
    assert sorted(row["type"] for row in everything) == ["reports_to", "works_at"]
    assert set(everything[0]) == {"id", "type", "source_type", "source_id", "target_type", "target_id", "role", "since", "until"}
    assert [row["type"] for row in await get_relationships(bea, "contact", hidden["id"])] == []
