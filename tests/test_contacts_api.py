"""Contacts through the REST API: clean data, duplicates, access, pagination, bad input."""

from __future__ import annotations

from crm_platform.testing import client_for


async def create(client, **fields):
    response = await client.post("/api/v1/contacts", json=fields)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_new_contact_has_clean_email_and_e164_phone(crm_client):
    contact = await create(
        crm_client,
        given_name="Ada",
        family_name="Lovelace",
        emails=[{"address": "  Ada.Lovelace@Example.COM "}],
        phones=[{"number": "+44 20 7946 0958", "label": "office"}],
        tags=["VIP", "vip", " Board "],
    )
    assert contact["display_name"] == "Ada Lovelace"
    assert contact["primary_email"] == "ada.lovelace@example.com"
    assert contact["phones"] == [{"number": "+442079460958", "label": "office"}]
    assert contact["tags"] == ["vip", "board"]
    assert contact["lifecycle_stage"] == "lead"

    fetched = await crm_client.get(f"/api/v1/contacts/{contact['id']}")
    assert fetched.json()["primary_email"] == "ada.lovelace@example.com"


async def test_phone_without_country_code_uses_the_default_region(crm_client):
    contact = await create(crm_client, given_name="Grace", phones=[{"number": "(415) 555-2671"}])
    assert contact["phones"][0]["number"] == "+14155552671"


async def test_invalid_fields_are_named_in_a_422(crm_client):
    response = await crm_client.post(
        "/api/v1/contacts",
        json={"given_name": "X", "emails": [{"address": "not-an-email"}], "phones": [{"number": "12"}],
              "lifecycle_stage": "friend"},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"emails[0].address", "phones[0].number", "lifecycle_stage"}
    listing = await crm_client.get("/api/v1/contacts")
    assert listing.json()["items"] == []


async def test_wrong_json_type_is_a_422_naming_the_field(crm_client):
    response = await crm_client.post("/api/v1/contacts", json={"given_name": 42})
    assert response.status_code == 422
    assert "given_name" in response.json()["errors"]


async def test_malformed_json_is_a_400(crm_client):
    response = await crm_client.post(
        "/api/v1/contacts", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400


async def test_second_contact_with_same_primary_email_is_a_409_naming_the_first(crm_client):
    first = await create(crm_client, given_name="Ada", emails=[{"address": "ada@example.com"}])
    response = await crm_client.post(
        "/api/v1/contacts", json={"given_name": "Other", "emails": [{"address": "ADA@example.com"}]}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["existing_id"] == first["id"]
    assert "Ada" in body["detail"]


async def test_missing_contact_is_a_404(crm_client):
    response = await crm_client.get("/api/v1/contacts/999999")
    assert response.status_code == 404
    assert "contact 999999" in response.json()["detail"]


async def test_patch_changes_only_given_fields_and_records_lifecycle(crm_client):
    contact = await create(crm_client, given_name="Ada", family_name="King", job_title="Analyst")
    response = await crm_client.patch(
        f"/api/v1/contacts/{contact['id']}", json={"family_name": "Lovelace", "lifecycle_stage": "customer"}
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["display_name"] == "Ada Lovelace"
    assert updated["job_title"] == "Analyst"
    assert updated["lifecycle_stage"] == "customer"
    assert updated["lifecycle_changed_at"] > contact["lifecycle_changed_at"]


async def test_delete_removes_the_contact(crm_client):
    contact = await create(crm_client, given_name="Temp")
    assert (await crm_client.delete(f"/api/v1/contacts/{contact['id']}")).status_code == 204
    assert (await crm_client.get(f"/api/v1/contacts/{contact['id']}")).status_code == 404


async def test_requests_without_a_token_are_refused(crm_anonymous_client):
    assert (await crm_anonymous_client.get("/api/v1/contacts")).status_code == 401
    assert (await crm_anonymous_client.get("/health")).status_code == 200


async def test_a_revoked_or_unknown_token_is_refused(crm_client, crm_make_user, crm_running_app):
    from crm_platform.users.service import revoke_token

    _, token = await crm_make_user("temp@example.com")
    async with client_for(crm_running_app, token) as client:
        assert (await client.get("/api/v1/contacts")).status_code == 200
        await revoke_token(token)
        assert (await client.get("/api/v1/contacts")).status_code == 401
    async with client_for(crm_running_app, "crm_made-up") as client:
        assert (await client.get("/api/v1/contacts")).status_code == 401


async def test_list_pages_with_a_cursor_in_name_order(crm_client):
    for name in ["Dan", "Ann", "Cat", "Bob", "Eve"]:
        await create(crm_client, given_name=name)
    first = (await crm_client.get("/api/v1/contacts", params={"limit": 2})).json()
    assert [item["display_name"] for item in first["items"]] == ["Ann", "Bob"]
    second = (await crm_client.get("/api/v1/contacts", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [item["display_name"] for item in second["items"]] == ["Cat", "Dan"]
    third = (await crm_client.get("/api/v1/contacts", params={"limit": 2, "cursor": second["next_cursor"]})).json()
    assert [item["display_name"] for item in third["items"]] == ["Eve"]
    assert third["next_cursor"] is None


async def test_list_filters_by_tag_stage_and_sorts_descending(crm_client):
    await create(crm_client, given_name="Ann", tags=["vip"], lifecycle_stage="customer")
    await create(crm_client, given_name="Bob", tags=["vip"])
    await create(crm_client, given_name="Cat")
    vip = (await crm_client.get("/api/v1/contacts", params={"tag": "VIP", "sort": "-display_name"})).json()
    assert [item["display_name"] for item in vip["items"]] == ["Bob", "Ann"]
    customers = (await crm_client.get("/api/v1/contacts", params={"lifecycle_stage": "customer"})).json()
    assert [item["display_name"] for item in customers["items"]] == ["Ann"]


async def test_a_bad_cursor_or_sort_is_a_422(crm_client):
    assert (await crm_client.get("/api/v1/contacts", params={"cursor": "garbage"})).status_code == 422
    assert (await crm_client.get("/api/v1/contacts", params={"sort": "password"})).status_code == 422


async def test_members_see_only_their_own_and_their_teams_contacts(crm_running_app, crm_make_user):
    _, alice_token = await crm_make_user("alice@example.com", team="north")
    _, amir_token = await crm_make_user("amir@example.com", team="north")
    _, bea_token = await crm_make_user("bea@example.com", team="south")
    async with client_for(crm_running_app, alice_token) as alice, client_for(crm_running_app, amir_token) as amir, \
            client_for(crm_running_app, bea_token) as bea:
        mine = await create(alice, given_name="Alice's lead")
        theirs = await create(bea, given_name="Bea's lead")
        assert (await amir.get(f"/api/v1/contacts/{mine['id']}")).status_code == 200
        assert (await bea.get(f"/api/v1/contacts/{mine['id']}")).status_code == 403
        assert (await bea.patch(f"/api/v1/contacts/{mine['id']}", json={"job_title": "x"})).status_code == 403
        assert (await bea.delete(f"/api/v1/contacts/{mine['id']}")).status_code == 403
        names = [item["display_name"] for item in (await alice.get("/api/v1/contacts")).json()["items"]]
        assert names == ["Alice's lead"]
        assert (await alice.get(f"/api/v1/contacts/{theirs['id']}")).status_code == 403



async def test_possible_duplicates_are_found_by_phone_email_and_similar_name(crm_client):
    ada = await create(crm_client, given_name="Ada", family_name="Lovelace", phones=[{"number": "+44 20 7946 0958"}])
    typo = await create(crm_client, given_name="Ada", family_name="Lovelase")
    same_phone = await create(crm_client, given_name="A.", family_name="King", phones=[{"number": "+44 (20) 7946-0958"}])
    await create(crm_client, given_name="Grace", family_name="Hopper")

    response = await crm_client.get(f"/api/v1/contacts/{ada['id']}/duplicates")
    assert response.status_code == 200
    found = {item["id"]: item["reasons"] for item in response.json()}
    assert found == {typo["id"]: ["similar name"], same_phone["id"]: ["same phone"]}


async def test_a_team_change_between_requests_is_seen_by_the_next_request(crm_running_app, crm_make_user):
    from crm_platform.users.tables import User

    alice, alice_token = await crm_make_user("alice@example.com", team="north")
    bea, bea_token = await crm_make_user("bea@example.com", team="south")
    async with client_for(crm_running_app, alice_token) as alice_client, \
            client_for(crm_running_app, bea_token) as bea_client:
        theirs = await create(bea_client, given_name="Bea's lead")
        assert (await alice_client.get(f"/api/v1/contacts/{theirs['id']}")).status_code == 403
        await User.update({User.team: alice.team_id}).where(User.id == bea.id)
        assert (await alice_client.get(f"/api/v1/contacts/{theirs['id']}")).status_code == 200
