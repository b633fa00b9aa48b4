"""The daily activity counts the reports read stay exact: after every create, edit, delete and
restore each viewer's team activity and follow-up figures equal those counted from the
activities themselves, and the counts kept along the way equal the counts rebuilt from scratch."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_platform import toolkit
from crm_platform.db.raw import fetch
from crm_platform.reports import aggregates
from tests.reports.conftest import log

pytestmark = pytest.mark.postgres

REPORTS = (("team_activity", {"per": "person_week"}), ("team_activity", {"per": "week"}),
           ("team_activity", {"per": "person"}), ("follow_up", {}))


async def _rows(client, key: str, params: dict) -> list[dict]:
    response = await client.get(f"/api/v1/reports/{key}", params=params)
    assert response.status_code == 200, response.text
    return response.json()["rows"]


async def _seen(viewers: dict) -> dict:
    return {(name, key if key == "follow_up" else f"{key}.{params['per']}"): await _rows(client, key, params)
            for name, client in viewers.items() for key, params in REPORTS}


async def _assert_counts_match_a_direct_count(viewers: dict, monkeypatch) -> dict:
    """What every viewer sees from the counts, checked against the activities counted one by one."""
    from_counts = await _seen(viewers)

    async def never(principal):
        return False

    with monkeypatch.context() as patched:
        patched.setattr(aggregates, "readable_by", never)
        counted_directly = await _seen(viewers)
    assert from_counts == counted_directly
    return from_counts


async def _cells() -> set[tuple]:
    rows = await fetch(f"SELECT key, n FROM {aggregates.DAYS} WHERE n <> 0")
    return {(row["key"], row["n"]) for row in rows}


async def _contact(client, name: str) -> dict:
    response = await client.post("/api/v1/contacts", json={"given_name": name})
    assert response.status_code == 201, response.text
    return response.json()


async def test_the_counts_follow_every_write_and_each_member_counts_only_their_team(
        teams, crm_client, monkeypatch):
    ann, ben, cat = teams["ann"], teams["ben"], teams["cat"]
    viewers = {"ann": ann.client, "cat": cat.client, "admin": crm_client}
    now = toolkit.now()
    ago = lambda days: (now - dt.timedelta(days=days)).isoformat()  # noqa: E731
    ada, cleo = await _contact(ann.client, "Ada"), await _contact(cat.client, "Cleo")

    call = await log(ann.client, "call", ada["id"], occurred_at=ago(3))
    meeting = await log(ann.client, "meeting", ada["id"], occurred_at=ago(20))
    await log(ben.client, "email", ada["id"], occurred_at=ago(1))
    overdue = await log(ann.client, "task", ada["id"], due_at=ago(2))
    await log(ann.client, "task", ada["id"], due_at=ago(-2))
    await log(ann.client, "follow_up", ada["id"], due_at=ago(1), done=True)
    await log(cat.client, "note", cleo["id"], occurred_at=ago(5))
    await log(cat.client, "task", cleo["id"], due_at=ago(4))
    seen = await _assert_counts_match_a_direct_count(viewers, monkeypatch)
    # Two teams: Ann counts North (herself and Ben), Cat only herself.
    assert {row["person"] for row in seen[("ann", "team_activity.person_week")]} == {"ann", "ben"}
    assert {row["person"] for row in seen[("cat", "team_activity.person_week")]} == {"cat"}
    assert [(row["person"], row["overdue"], row["late"]) for row in seen[("ann", "follow_up")]] == [("ann", 1, 1)]
    assert [(row["person"], row["overdue"]) for row in seen[("cat", "follow_up")]] == [("cat", 1)]

    for activity_id, patch in ((call["id"], {"occurred_at": ago(40)}), (overdue["id"], {"done": True}),
                               (meeting["id"], {"type": "call"}),
                               (call["id"], {"assignee_id": teams["ben"].principal.id})):
        response = await ann.client.patch(f"/api/v1/activities/{activity_id}", json=patch)
        assert response.status_code == 200, response.text
        await _assert_counts_match_a_direct_count(viewers, monkeypatch)

    assert (await ann.client.delete(f"/api/v1/activities/{meeting['id']}")).status_code in (200, 204)
    seen = await _assert_counts_match_a_direct_count(viewers, monkeypatch)
    assert sum(row["calls"] for row in seen[("admin", "team_activity.week")]) == 1

    trash = (await crm_client.get("/api/v1/trash", params={"kind": "activity"})).json()["items"]
    [entry] = [item for item in trash if item["record_id"] == meeting["id"]]
    assert (await crm_client.post(f"/api/v1/trash/{entry['id']}/restore")).status_code == 200
    seen = await _assert_counts_match_a_direct_count(viewers, monkeypatch)
    assert sum(row["calls"] for row in seen[("admin", "team_activity.week")]) == 2

    kept = await _cells()
    assert await aggregates.rebuild() == 8
    assert await _cells() == kept



CONTACT_REPORTS = (("lifecycle_funnel", {}), ("sources", {}), ("follow_up", {"stale_days": "0"}),
                   ("follow_up", {"stale_days": "2"}), ("follow_up", {"stale_days": "7"}))


async def _contact_reports(viewers: dict) -> dict:
    return {(name, key, tuple(params.items())): await _rows(client, key, params)
            for name, client in viewers.items() for key, params in CONTACT_REPORTS}


async def _assert_contact_counts_match_a_direct_count(viewers: dict, monkeypatch) -> dict:
    """The funnel, sources and untouched contacts from the counts, against the contacts counted one by one."""
    from crm_platform.reports import contact_aggregates

    from_counts = await _contact_reports(viewers)

    async def never(principal):
        return False

    with monkeypatch.context() as patched:
        patched.setattr(aggregates, "readable_by", never)
        patched.setattr(contact_aggregates, "readable_by", never)
        counted_directly = await _contact_reports(viewers)
    assert from_counts == counted_directly
    return from_counts


async def _contact_cells() -> set[tuple]:
    from crm_platform.reports import contact_aggregates

    rows = await fetch(f"SELECT key, n FROM {contact_aggregates.DAYS} WHERE n <> 0")
    return {(row["key"], row["n"]) for row in rows}


def _untouched(rows: list[dict]) -> dict:
    return {row["person"]: row["untouched"] for row in rows if row["untouched"]}


async def test_the_contact_counts_follow_every_write_and_each_member_counts_only_their_team(
        teams, crm_client, monkeypatch):
    from crm_platform.reports import contact_aggregates

    ann, cat = teams["ann"], teams["cat"]
    viewers = {"ann": ann.client, "cat": cat.client, "admin": crm_client}
    now = toolkit.now()
    ago = lambda days: (now - dt.timedelta(days=days)).isoformat()  # noqa: E731

    async def contact(client, name, **fields):
        response = await client.post("/api/v1/contacts", json={"given_name": name, **fields})
        assert response.status_code == 201, response.text
        return response.json()

    ada = await contact(ann.client, "Ada", source="web")
    bea = await contact(ann.client, "Bea", source="fair", lifecycle_stage="prospect")
    cleo = await contact(cat.client, "Cleo", source="web", lifecycle_stage="customer")
    call = await log(ann.client, "call", ada["id"], occurred_at=ago(3))
    await log(cat.client, "meeting", cleo["id"], occurred_at=ago(10))
    seen = await _assert_contact_counts_match_a_direct_count(viewers, monkeypatch)
    # Two teams: Ann counts North's contacts, Cat only her own.
    assert [(row["stage"], row["reached"]) for row in seen[("ann", "lifecycle_funnel", ())]] == [
        ("Leads", 2), ("Prospects", 1), ("Customers", 0)]
    assert [(row["source"], row["contacts"], row["customers"]) for row in seen[("cat", "sources", ())]] == [
        ("web", 1, 1)]
    assert _untouched(seen[("admin", "follow_up", (("stale_days", "0"),))]) == {"ann": 2, "cat": 1}
    assert _untouched(seen[("admin", "follow_up", (("stale_days", "2"),))]) == {"ann": 1, "cat": 1}
    assert _untouched(seen[("ann", "follow_up", (("stale_days", "7"),))]) == {}
    assert _untouched(seen[("cat", "follow_up", (("stale_days", "7"),))]) == {"cat": 1}

    for client, contact_id, patch in ((ann.client, ada["id"], {"lifecycle_stage": "customer"}),
                                      (ann.client, bea["id"], {"source": "ads"}),
                                      (ann.client, bea["id"], {"owner_id": teams["ben"].principal.id}),
                                      (cat.client, cleo["id"], {"lifecycle_stage": "former"})):
        response = await client.patch(f"/api/v1/contacts/{contact_id}", json=patch)
        assert response.status_code == 200, response.text
        await _assert_contact_counts_match_a_direct_count(viewers, monkeypatch)
    # A call further back does not make Ada untouched for longer; one on Bea touches her.
    response = await ann.client.patch(f"/api/v1/activities/{call['id']}", json={"occurred_at": ago(30)})
    assert response.status_code == 200, response.text
    await log(ann.client, "email", bea["id"], occurred_at=ago(8))
    seen = await _assert_contact_counts_match_a_direct_count(viewers, monkeypatch)
    assert _untouched(seen[("admin", "follow_up", (("stale_days", "7"),))]) == {"ben": 1, "cat": 1}

    assert (await ann.client.delete(f"/api/v1/contacts/{bea['id']}")).status_code in (200, 204)
    seen = await _assert_contact_counts_match_a_direct_count(viewers, monkeypatch)
    assert [(row["source"], row["contacts"]) for row in seen[("admin", "sources", ())]] == [("web", 2)]
    trash = (await crm_client.get("/api/v1/trash", params={"kind": "contact"})).json()["items"]
    [entry] = [item for item in trash if item["record_id"] == bea["id"]]
    assert (await crm_client.post(f"/api/v1/trash/{entry['id']}/restore")).status_code == 200
    seen = await _assert_contact_counts_match_a_direct_count(viewers, monkeypatch)
    assert sorted((row["source"], row["contacts"]) for row in seen[("admin", "sources", ())]) == [
        ("ads", 1), ("web", 2)]

    kept = await _contact_cells()
    assert await contact_aggregates.rebuild() == 3
    assert await _contact_cells() == kept


async def test_an_activity_write_reconciles_its_counts_once(teams, monkeypatch):
    """An activity write sends its own event and the record kind's: only one of them reconciles."""
    ada = await _contact(teams["ann"].client, "Ada")
    reconciled: list[list[int]] = []
    reconcile = aggregates.reconcile

    async def counting(ids):
        reconciled.append(sorted(ids))
        await reconcile(ids)

    monkeypatch.setattr(aggregates, "reconcile", counting)
    call = await log(teams["ann"].client, "call", ada["id"])
    response = await teams["ann"].client.patch(f"/api/v1/activities/{call['id']}", json={"subject": "Again"})
    assert response.status_code == 200, response.text
    assert reconciled == [[call["id"]], [call["id"]]]


async def test_the_counts_follow_records_handed_over_to_another_team(teams, crm_client, monkeypatch):
    ann, cat = teams["ann"], teams["cat"]
    viewers = {"ann": ann.client, "cat": cat.client, "admin": crm_client}
    ago = lambda days: (toolkit.now() - dt.timedelta(days=days)).isoformat()  # noqa: E731
    ada = await _contact(ann.client, "Ada")
    await log(ann.client, "call", ada["id"], occurred_at=ago(3))
    await log(ann.client, "task", ada["id"], due_at=ago(1))
    response = await crm_client.post(f"/api/v1/users/{ann.principal.id}/hand-over",
                                     json={"to_user_id": cat.principal.id})
    assert response.status_code == 200, response.text
    await _assert_counts_match_a_direct_count(viewers, monkeypatch)
    seen = await _assert_contact_counts_match_a_direct_count(viewers, monkeypatch)
    assert _untouched(seen[("cat", "follow_up", (("stale_days", "2"),))]) == {"cat": 1}
    assert _untouched(seen[("ann", "follow_up", (("stale_days", "2"),))]) == {}
