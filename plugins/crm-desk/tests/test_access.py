"""Who sees which tickets: a member sees their team's tickets, assigned or not, and nothing of
another team's."""

from __future__ import annotations

from crm_platform.testing import assert_hidden_from, assert_names_hidden, client_for

TICKETS = "/api/v1/desk/tickets"


async def _team_id(client, name: str) -> int:
    teams = (await client.get("/api/v1/teams")).json()
    return next(team["id"] for team in (teams["items"] if isinstance(teams, dict) else teams) if team["name"] == name)


async def test_members_see_their_teams_tickets_and_not_another_teams(crm_client, crm_running_app, crm_make_user, open_ticket):
    east_member, east_token = await crm_make_user("ann@example.com", team="East")
    west_member, west_token = await crm_make_user("cid@example.com", team="West")
    east_ticket = await open_ticket(subject="East queue ticket", team_id=east_member.team_id, assignee_id=None)
    assigned = await open_ticket(subject="Ann's own", assignee_id=east_member.id)
    west_ticket = await open_ticket(subject="West queue ticket", team_id=west_member.team_id, assignee_id=None)
    async with client_for(crm_running_app, east_token) as ann, client_for(crm_running_app, west_token) as cid:
        seen = [t["subject"] for t in (await ann.get(TICKETS, params={"sort": "newest"})).json()["items"]]
        assert seen == ["Ann's own", "East queue ticket"]
        assert (await ann.get(f"{TICKETS}/{east_ticket['id']}")).status_code == 200
        team_queue = (await ann.get(TICKETS, params={"queue": "team"})).json()["items"]
        assert [t["subject"] for t in team_queue] == ["East queue ticket"]
        await assert_hidden_from(ann, f"{TICKETS}/{west_ticket['id']}", "West queue ticket")
        await assert_hidden_from(cid, f"{TICKETS}/{assigned['id']}", "Ann's own")
        await assert_names_hidden(cid, TICKETS, "East queue ticket", "Ann's own")
        refused = await cid.patch(f"{TICKETS}/{east_ticket['id']}", json={"subject": "Mine now"})
        assert refused.status_code in (403, 404)
    assert (await crm_client.get(f"{TICKETS}/{east_ticket['id']}")).json()["subject"] == "East queue ticket"
