"""Bulk actions on the contacts list: the selected rows or every row the filters match, in the
request or as a job with its progress in the toast, a bulk delete undone from the toast, and
the export of a whole filtered list."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest

from crm_platform.bulk import service as bulk
from crm_platform.testing import client_for
from tests.web.helpers import form_token, sign_in


@pytest.fixture
async def admin_browser(crm_running_app, crm_admin) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        await sign_in(client, "admin@example.com")
        yield client


async def _contacts(api: httpx.AsyncClient, count: int, tag: str, prefix: str = "Person") -> list[int]:
    response = await api.post("/api/v1/contacts/bulk", json={"contacts": [
        {"given_name": prefix, "family_name": f"{tag}{index:04d}", "tags": [tag]} for index in range(count)]})
    return response.json()["ids"]


async def _bulk(client: httpx.AsyncClient, **fields: object) -> httpx.Response:
    return await client.post("/contacts/bulk", data={
        "_csrf_token": await form_token(client, "/contacts"), "back": "/contacts?tag=hot", **fields})


async def _contact(api: httpx.AsyncClient, contact_id: int) -> dict:
    return (await api.get(f"/api/v1/contacts/{contact_id}")).json()


async def test_select_all_matching_counts_and_changes_every_filtered_contact(
    admin_browser, crm_client, crm_make_user
) -> None:
    colleague, _ = await crm_make_user("grace@example.com")
    hot = await _contacts(crm_client, 7, "hot")
    cold = await _contacts(crm_client, 2, "cold")

    label = await admin_browser.get("/contacts/matching", params={"tag": "hot"})
    assert label.text == "Select all 7 matching"

    response = await _bulk(admin_browser, action="assign", owner_id=str(colleague.id), scope="matching",
                           matching="tag=hot", ids=[str(hot[0])])
    assert response.status_code == 303
    assert [(await _contact(crm_client, i))["owner_id"] for i in hot] == [colleague.id] * 7
    assert [(await _contact(crm_client, i))["owner_id"] == colleague.id for i in cold] == [False, False]
    page = await admin_browser.get("/contacts?tag=hot")
    assert "Assigned 7 contacts." in page.text


async def test_a_bulk_stage_change_and_tag_reach_only_the_selected(admin_browser, crm_client) -> None:
    ids = await _contacts(crm_client, 3, "hot")
    await _bulk(admin_browser, action="stage", stage="customer", ids=[str(ids[0]), str(ids[1])])
    await _bulk(admin_browser, action="tag", tag="vip", ids=[str(ids[1])])
    rows = [await _contact(crm_client, i) for i in ids]
    assert [row["lifecycle_stage"] for row in rows] == ["customer", "customer", "lead"]
    assert [sorted(row["tags"]) for row in rows] == [["hot"], ["hot", "vip"], ["hot"]]


async def test_an_unknown_stage_is_refused_and_nothing_changes(admin_browser, crm_client) -> None:
    ids = await _contacts(crm_client, 2, "hot")
    response = await _bulk(admin_browser, action="stage", stage="", ids=[str(i) for i in ids])
    assert response.status_code == 422
    assert "choose the stage to move them to" in response.text
    refused = await _bulk(admin_browser, action="stage", stage="royalty", ids=[str(i) for i in ids])
    assert refused.status_code == 422
    assert [(await _contact(crm_client, i))["lifecycle_stage"] for i in ids] == ["lead", "lead"]


async def test_a_bulk_delete_goes_to_the_trash_and_undo_brings_all_back(admin_browser, crm_client) -> None:
    ids = await _contacts(crm_client, 3, "hot")
    response = await _bulk(admin_browser, action="delete", scope="matching", matching="tag=hot")
    assert response.status_code == 303
    assert [(await crm_client.get(f"/api/v1/contacts/{i}")).status_code for i in ids] == [404] * 3
    page = await admin_browser.get("/contacts?tag=hot")
    assert "Deleted 3 contacts." in page.text
    undo = re.search(r'action="(/bulk/\d+/undo)"', page.text).group(1)

    restored = await admin_browser.post(undo, data={"_csrf_token": await form_token(admin_browser, "/contacts")})
    assert restored.status_code == 303
    assert [(await crm_client.get(f"/api/v1/contacts/{i}")).status_code for i in ids] == [200] * 3
    assert "Restored 3 contacts." in (await admin_browser.get("/contacts")).text


async def test_a_large_selection_runs_as_a_job_whose_progress_the_toast_follows(
    admin_browser, crm_client, crm_run_jobs, monkeypatch
) -> None:
    monkeypatch.setattr(bulk, "INLINE_LIMIT", 2)
    monkeypatch.setattr(bulk, "STEP", 2)
    ids = await _contacts(crm_client, 5, "hot")
    response = await _bulk(admin_browser, action="delete", scope="matching", matching="tag=hot")
    assert response.status_code == 303
    page = await admin_browser.get("/contacts?tag=hot")
    progress_url = re.search(r'hx-get="(/bulk/\d+)"', page.text).group(1)
    waiting = await admin_browser.get(progress_url)
    assert "Deleting 5 contacts: 0 done" in waiting.text
    assert [(await crm_client.get(f"/api/v1/contacts/{i}")).status_code for i in ids] == [200] * 5

    outcomes = await crm_run_jobs()
    assert [outcome.state for outcome in outcomes if outcome.job_name == bulk.JOB] == ["done"]
    finished = await admin_browser.get(progress_url)
    assert "Deleted 5 contacts." in finished.text
    assert f'action="{progress_url}/undo"' in finished.text
    assert [(await crm_client.get(f"/api/v1/contacts/{i}")).status_code for i in ids] == [404] * 5


async def test_someone_else_cannot_follow_or_undo_a_bulk_action(admin_browser, crm_client, crm_running_app,
                                                                crm_member) -> None:
    await _contacts(crm_client, 2, "hot")
    await _bulk(admin_browser, action="delete", scope="matching", matching="tag=hot")
    page = await admin_browser.get("/contacts")
    undo = re.search(r'action="(/bulk/\d+)/undo"', page.text).group(1)
    async with client_for(crm_running_app) as member:
        await sign_in(member, "member@example.com")
        assert (await member.get(undo)).status_code == 403
        token = await form_token(member, "/contacts")
        assert (await member.post(f"{undo}/undo", data={"_csrf_token": token})).status_code == 403


async def test_exporting_all_matching_streams_every_filtered_contact(admin_browser, crm_client) -> None:
    hot = await _contacts(crm_client, 230, "hot")  # more than one page of the export
    await _contacts(crm_client, 3, "cold", prefix="=cmd")
    response = await _bulk(admin_browser, action="export", scope="matching", matching="tag=hot")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(int(row["id"]) for row in rows) == sorted(hot)
    assert all(row["tags"] == "hot" for row in rows)


async def _companies(api: httpx.AsyncClient, names: list[str], industry: str) -> list[int]:
    return [(await api.post("/api/v1/companies", json={"name": name, "industry": industry})).json()["id"]
            for name in names]


async def test_the_companies_list_assigns_tags_and_deletes_all_matching_with_undo(
    admin_browser, crm_client, crm_make_user
) -> None:
    colleague, _ = await crm_make_user("grace@example.com")
    shipping = await _companies(crm_client, ["Acme Freight", "Blue Line", "Cargo Co"], "Shipping")
    [bakery] = await _companies(crm_client, ["Bread & Co"], "Food")
    listed = await admin_browser.get("/companies")
    assert f'name="ids" value="{shipping[0]}"' in listed.text
    assert (await admin_browser.get("/companies/matching", params={"industry": "Shipping"})).text == (
        "Select all 3 matching")

    async def post(**fields: object) -> httpx.Response:
        return await admin_browser.post("/companies/bulk", data={
            "_csrf_token": await form_token(admin_browser, "/companies"), "back": "/companies?industry=Shipping",
            "scope": "matching", "matching": "industry=Shipping", **fields})

    assert (await post(action="assign", owner_id=str(colleague.id))).status_code == 303
    assert (await post(action="tag", tag="carrier")).status_code == 303
    rows = [(await crm_client.get(f"/api/v1/companies/{i}")).json() for i in [*shipping, bakery]]
    assert [row["owner_id"] == colleague.id for row in rows] == [True, True, True, False]
    assert [row["tags"] for row in rows] == [["carrier"], ["carrier"], ["carrier"], []]

    refused = await post(action="tag", tag="")
    assert refused.status_code == 422 and "enter a tag to add" in refused.text

    assert (await post(action="delete")).status_code == 303
    page = await admin_browser.get("/companies?industry=Shipping")
    assert "Deleted 3 companies." in page.text
    assert [(await crm_client.get(f"/api/v1/companies/{i}")).status_code for i in shipping] == [404] * 3
    undo = re.search(r'action="(/bulk/\d+/undo)"', page.text).group(1)
    await admin_browser.post(undo, data={"_csrf_token": await form_token(admin_browser, "/companies")})
    assert [(await crm_client.get(f"/api/v1/companies/{i}")).status_code for i in shipping] == [200] * 3


async def test_the_companies_export_streams_every_filtered_company_past_one_page(admin_browser, crm_client) -> None:
    listed = await _companies(crm_client, [f"Carrier {index:03d}" for index in range(205)], "Shipping")
    await _companies(crm_client, ["=Bakery"], "Food")
    response = await admin_browser.get("/companies/export", params={"industry": "Shipping"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(int(row["id"]) for row in rows) == sorted(listed)
