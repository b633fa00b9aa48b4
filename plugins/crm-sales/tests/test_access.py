"""Members see their own and their team's deals; managers see every deal."""

from __future__ import annotations

from crm_platform.testing import assert_names_hidden, client_for


async def test_a_member_sees_their_teams_deals_but_not_another_teams(crm_running_app, crm_make_user, make_deal):
    _, own_token = await crm_make_user("ann@example.com", team="East")
    _, mate_token = await crm_make_user("bob@example.com", team="East")
    _, other_token = await crm_make_user("cid@example.com", team="West")
    async with client_for(crm_running_app, own_token) as ann, client_for(crm_running_app, mate_token) as bob, \
            client_for(crm_running_app, other_token) as cid:
        deal = await make_deal(ann, title="Ann's deal")
        assert (await bob.get(f"/api/v1/sales/deals/{deal['id']}")).status_code == 200
        assert (await cid.get(f"/api/v1/sales/deals/{deal['id']}")).status_code == 403
        assert (await cid.get("/api/v1/sales/deals")).json()["items"] == []
        assert (await cid.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": deal["stage_id"]})).status_code == 403


async def test_a_manager_sees_every_deal(crm_running_app, crm_make_user, make_deal):
    _, member_token = await crm_make_user("ann@example.com", team="East")
    _, manager_token = await crm_make_user("max@example.com", role="manager", team="West")
    async with client_for(crm_running_app, member_token) as ann, client_for(crm_running_app, manager_token) as max_:
        deal = await make_deal(ann)
        listed = (await max_.get("/api/v1/sales/deals")).json()["items"]
        assert [item["id"] for item in listed] == [deal["id"]]


async def test_a_member_cannot_give_a_deal_to_someone_outside_their_team(crm_running_app, crm_make_user):
    _, token = await crm_make_user("ann@example.com", team="East")
    outsider, _ = await crm_make_user("zed@example.com", team="West")
    async with client_for(crm_running_app, token) as ann:
        response = await ann.post("/api/v1/sales/deals", json={"title": "X", "owner_id": outsider.id})
    assert response.status_code == 422
    assert "owner_id" in response.json()["errors"]


async def test_only_managers_create_pipelines(crm_running_app, crm_make_user):
    _, token = await crm_make_user("ann@example.com", team="East")
    async with client_for(crm_running_app, token) as ann:
        response = await ann.post(
            "/api/v1/sales/pipelines",
            json={"name": "Mine", "stages": [{"name": "A"}, {"name": "W", "kind": "won"}, {"name": "L", "kind": "lost"}]},
        )
    assert response.status_code == 403


async def test_an_activity_cannot_be_put_on_another_teams_deal(crm_running_app, crm_make_user, make_deal):
    _, own_token = await crm_make_user("ann@example.com", team="East")
    _, other_token = await crm_make_user("cid@example.com", team="West")
    async with client_for(crm_running_app, own_token) as ann, client_for(crm_running_app, other_token) as cid:
        deal = await make_deal(ann, title="Ann's deal")
        response = await cid.post("/api/v1/activities", json={
            "type": "note", "subject": "planted", "links": [{"record_type": "sales.deal", "record_id": deal["id"]}],
        })
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "links[0].record_id": f"sales.deal {deal['id']} does not exist or you may not change it"
        }
        page = await assert_names_hidden(ann, f"/api/v1/sales/deals/{deal['id']}", "planted")
        assert page.json()["title"] == "Ann's deal"


async def test_a_contact_handed_to_another_team_is_unnamed_on_the_deal(crm_running_app, crm_client, crm_make_user, make_deal):
    ann, own_token = await crm_make_user("ann@example.com", team="East")
    cid, _ = await crm_make_user("cid@example.com", team="West")
    async with client_for(crm_running_app, own_token) as as_ann:
        contact = (await as_ann.post("/api/v1/contacts", json={"given_name": "Ada", "family_name": "Handed"})).json()
        deal = await make_deal(as_ann, contacts=[{"contact_id": contact["id"], "role": "champion"}])
        await crm_client.patch(f"/api/v1/contacts/{contact['id']}", json={"owner_id": cid.id})
        await assert_names_hidden(as_ann, f"/api/v1/sales/deals/{deal['id']}", "Ada Handed")
