"""Two agents on one ticket: each sees that the other is viewing or replying, and a reply
written over a newer message comes back unsent with a warning instead of posting blindly."""

from __future__ import annotations

import re

TICKETS = "/api/v1/desk/tickets"


def _seen_id(page: str) -> str:
    return re.search(r'name="seen_message_id" value="(\d+)"', page).group(1)


async def _presence(client, ticket_id: int, page: str, state: str = "viewing", seen: str = "0") -> str:
    response = await client.post(f"/desk/tickets/{ticket_id}/presence", data={"state": state, "seen_message_id": seen},
                                 headers={"x-csrftoken": client.csrf(page), "hx-request": "true"})
    assert response.status_code == 200, response.text
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


async def test_an_agent_sees_who_else_is_viewing_or_replying(
    sign_in, crm_make_user, crm_clock, web_client, open_ticket
):
    await crm_make_user("sam@example.com", role="manager")
    ticket = await open_ticket()
    admin_page = (await web_client.get(f"/desk/tickets/{ticket['id']}")).text
    assert "is viewing" not in admin_page
    async with sign_in("sam@example.com") as sam:
        sam_page = (await sam.get(f"/desk/tickets/{ticket['id']}")).text
        assert "admin is viewing" in sam_page
        assert await _presence(web_client, ticket["id"], admin_page) == "sam is viewing"
        await _presence(sam, ticket["id"], sam_page, state="replying")
        assert await _presence(web_client, ticket["id"], admin_page) == "sam is replying"
        # A page that stopped polling is gone after three missed renewals.
        crm_clock.advance(seconds=16)
        assert await _presence(web_client, ticket["id"], admin_page) == ""
        bad = await sam.post(f"/desk/tickets/{ticket['id']}/presence", data={"state": "dancing"},
                             headers={"x-csrftoken": sam.csrf(sam_page)})
        assert bad.status_code == 422


async def test_presence_of_a_ticket_one_may_not_see_is_refused(sign_in, crm_make_user, web_client, open_ticket):
    await crm_make_user("kim@example.com", team="West")
    ticket = await open_ticket(assignee_id=None)
    async with sign_in("kim@example.com") as kim:
        home = (await kim.get("/desk/")).text
        hidden = await kim.post(f"/desk/tickets/{ticket['id']}/presence", data={"state": "viewing"},
                                headers={"x-csrftoken": kim.csrf(home)})
        assert hidden.status_code in (403, 404)


async def test_a_reply_over_a_newer_reply_is_kept_unsent_with_a_warning(
    crm_client, sign_in, crm_make_user, web_client, open_ticket
):
    await crm_make_user("sam@example.com", role="manager")
    ticket = await open_ticket()
    url = f"/desk/tickets/{ticket['id']}"
    page = (await web_client.get(url)).text
    assert _seen_id(page) == "0"
    async with sign_in("sam@example.com") as sam:
        sam_page = (await sam.get(url)).text
        sent = await sam.post(f"{url}/messages", data={"_csrf_token": sam.csrf(sam_page), "body": "Restart it.",
                                                       "kind": "reply", "seen_message_id": _seen_id(sam_page)})
        assert sent.status_code == 303
    newer = await _presence(web_client, ticket["id"], page, seen=_seen_id(page))
    assert "1 new message since this page was loaded" in newer

    stale = await web_client.post(f"{url}/messages", data={
        "_csrf_token": web_client.csrf(page), "body": "Have you tried turning it off?", "kind": "reply",
        "seen_message_id": _seen_id(page)})
    assert stale.status_code == 409
    assert "The ticket changed since you opened it: sam replied." in stale.text
    assert "Have you tried turning it off?</textarea>" in stale.text
    bodies = [m["body"] for m in (await crm_client.get(f"{TICKETS}/{ticket['id']}/messages")).json()]
    assert bodies == ["Restart it."]

    again = await web_client.post(f"{url}/messages", data={
        "_csrf_token": web_client.csrf(stale.text), "body": "Have you tried turning it off?", "kind": "reply",
        "seen_message_id": _seen_id(stale.text)})
    assert again.status_code == 303
    bodies = [m["body"] for m in (await crm_client.get(f"{TICKETS}/{ticket['id']}/messages")).json()]
    assert bodies == ["Restart it.", "Have you tried turning it off?"]


async def test_the_api_refuses_a_reply_over_a_message_it_has_not_seen(crm_client, open_ticket):
    ticket = await open_ticket()
    messages = f"{TICKETS}/{ticket['id']}/messages"
    first = (await crm_client.post(messages, json={"body": "On it.", "seen_message_id": 0})).json()
    refused = await crm_client.post(messages, json={"body": "Me too.", "kind": "note", "seen_message_id": 0})
    assert refused.status_code == 409
    assert refused.json()["newer_message_ids"] == [first["id"]]
    assert "admin replied" in refused.json()["detail"]
    assert len((await crm_client.get(messages)).json()) == 1
    accepted = await crm_client.post(messages, json={"body": "Me too.", "kind": "note", "seen_message_id": first["id"]})
    assert accepted.status_code == 201
