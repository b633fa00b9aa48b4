"""The customers' pages, without signing in: the web form (limits, honeypot, CSRF), the status
page behind its unguessable link, answering there, and rating the help once solved."""

from __future__ import annotations

import re

from crm_platform.testing import client_for

TICKETS = "/api/v1/desk/tickets"
FORM = "/desk/public/new"


def _token(html: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', html).group(1)


async def _submit(visitor, **fields):
    page = await visitor.get(FORM)
    assert page.status_code == 200, page.text
    data = {"name": "Ada Lovelace", "email": "ada@example.com", "subject": "Cannot log in",
            "description": "The page says no.", "_csrf_token": _token(page.text), **fields}
    return await visitor.post(FORM, data=data)


async def test_the_web_form_opens_a_ticket_and_the_customer_follows_it_on_the_status_page(crm_client, crm_running_app):
    async with client_for(crm_running_app) as visitor:
        sent = await _submit(visitor)
        assert sent.status_code == 303, sent.text
        status_url = sent.headers["location"]
        assert re.fullmatch(r"/desk/public/t/[A-Za-z0-9_-]{40,}", status_url)
        page = await visitor.get(status_url)
        assert "Cannot log in" in page.text and "new" in page.text
        [ticket] = (await crm_client.get(TICKETS)).json()["items"]
        assert (ticket["channel"], ticket["assignee_id"]) == ("web", None)
        await crm_client.post(f"{TICKETS}/{ticket['id']}/messages", json={"body": "Try resetting it."})
        await crm_client.post(f"{TICKETS}/{ticket['id']}/messages", json={"body": "Secret: VIP customer", "kind": "note"})
        page = await visitor.get(status_url)
        assert "Try resetting it." in page.text and "VIP customer" not in page.text

        answered = await visitor.post(f"{status_url}/reply", data={"body": "Reset worked!", "_csrf_token": _token(page.text)})
        assert answered.status_code == 303
        conversation = (await crm_client.get(f"{TICKETS}/{ticket['id']}/messages")).json()
        assert conversation[-1]["kind"] == "customer" and conversation[-1]["body"] == "Reset worked!"

        await crm_client.patch(f"{TICKETS}/{ticket['id']}", json={"status": "solved"})
        page = await visitor.get(status_url)
        assert "How did we do?" in page.text
        bad = await visitor.post(f"{status_url}/rate", data={"score": "9", "_csrf_token": _token(page.text)})
        assert bad.status_code == 422 and "Choose from 1" in bad.text
        rated = await visitor.post(f"{status_url}/rate", data={"score": "5", "comment": "Quick!", "_csrf_token": _token(page.text)})
        assert rated.status_code == 303
        assert "You rated this help 5 of 5" in (await visitor.get(status_url)).text
        again = await visitor.post(f"{status_url}/rate", data={"score": "1", "_csrf_token": _token(page.text)})
        assert again.status_code == 422
    assert (await crm_client.get(f"{TICKETS}/{ticket['id']}")).json()["csat_score"] == 5


async def test_bad_or_oversized_input_is_named_and_nothing_is_opened(crm_client, crm_running_app):
    async with client_for(crm_running_app) as visitor:
        refused = await _submit(visitor, email="nope", subject="", description="x" * 10_001)
        assert refused.status_code == 422
        for message in ("An email address", "Say in a few words", "At most 10000"):
            assert message in refused.text
    assert (await crm_client.get(TICKETS)).json()["items"] == []


async def test_a_filled_honeypot_looks_accepted_but_opens_nothing(crm_client, crm_running_app):
    async with client_for(crm_running_app) as bot:
        answer = await _submit(bot, website="http://spam.example")
        assert answer.status_code == 200 and "Thank you" in answer.text
    assert (await crm_client.get(TICKETS)).json()["items"] == []


async def test_the_form_without_its_csrf_token_is_refused(crm_client, crm_running_app):
    async with client_for(crm_running_app) as visitor:
        await visitor.get(FORM)
        forged = await visitor.post(FORM, data={"email": "a@example.com", "subject": "x", "description": "y"})
        assert forged.status_code == 403
    assert (await crm_client.get(TICKETS)).json()["items"] == []


async def test_a_visitor_is_limited_to_a_few_tickets_at_a_time(crm_client, crm_running_app):
    async with client_for(crm_running_app) as visitor:
        for number in range(5):
            assert (await _submit(visitor, subject=f"Request {number}")).status_code == 303
        limited = await _submit(visitor, subject="One too many")
        assert limited.status_code == 429 and "Wait a few minutes" in limited.text
    assert len((await crm_client.get(TICKETS)).json()["items"]) == 5


async def test_a_wrong_link_shows_nothing_and_a_closed_ticket_takes_no_answer(crm_client, crm_running_app):
    async with client_for(crm_running_app) as visitor:
        assert (await visitor.get("/desk/public/t/" + "x" * 43)).status_code == 404
        status_url = (await _submit(visitor)).headers["location"]
        [ticket] = (await crm_client.get(TICKETS)).json()["items"]
        await crm_client.patch(f"{TICKETS}/{ticket['id']}", json={"status": "closed"})
        page = await visitor.get(status_url)
        refused = await visitor.post(f"{status_url}/reply", data={"body": "Hello?", "_csrf_token": _token(page.text)})
        assert refused.status_code == 422 and "This ticket is closed" in refused.text
    assert len((await crm_client.get(f"{TICKETS}/{ticket['id']}/messages")).json()) == 1
