"""``toolkit.contact_ids_by_email``: the contacts another system names by email, as the user
may see them."""

from __future__ import annotations

from crm_platform import toolkit


async def test_finds_contacts_by_their_first_email_whatever_its_case(crm_client, crm_admin):
    ada = (await crm_client.post("/api/v1/contacts", json={
        "given_name": "Ada", "emails": [{"address": "ada@example.com"}]})).json()
    found = await toolkit.contact_ids_by_email(crm_admin[0], ["ADA@example.com", "nobody@example.com", ""])
    assert found == {"ada@example.com": ada["id"]}


async def test_leaves_out_the_contacts_the_user_may_not_see(crm_client, crm_make_user):
    await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "emails": [{"address": "ada@example.com"}]})
    member, _ = await crm_make_user("cid@example.com", team="West")
    assert await toolkit.contact_ids_by_email(member, ["ada@example.com"]) == {}
