"""Every sort the contact and company lists offer, through the API and the pages: each pages
by keyset, and following the cursors gives every record once, in order, ties broken by id."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest

from crm_platform.companies.listing import SORTABLE as COMPANY_SORTS
from crm_platform.contacts.listing import SORTABLE as CONTACT_SORTS
from crm_platform.testing import client_for
from tests.web.helpers import sign_in

pytestmark = pytest.mark.postgres

# One case throughout: PostgreSQL's collation and SQLite's byte order agree on these.
STAGES = ("lead", "prospect", "customer", "former")
INDUSTRIES = ("", "Energy", "Retail", "Energy", "")


def _key(item: dict, column: str) -> object:
    value = item[column]
    return dt.datetime.fromisoformat(value) if column.endswith("_at") else value


def _expected(items: list[dict], sort: str) -> list[int]:
    column = sort.removeprefix("-")
    ordered = sorted(items, key=lambda item: (_key(item, column), item["id"]), reverse=sort.startswith("-"))
    return [item["id"] for item in ordered]


async def _walk(client: httpx.AsyncClient, path: str, sort: str, limit: int = 3) -> list[int]:
    seen: list[int] = []
    cursor = None
    while True:
        params = {"sort": sort, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = await client.get(path, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


async def _contacts(client: httpx.AsyncClient, count: int) -> list[dict]:
    people = [{"given_name": f"Person{index % 7}", "lifecycle_stage": STAGES[index % len(STAGES)]}
              for index in range(count)]
    response = await client.post("/api/v1/contacts/bulk", json={"contacts": people})
    assert response.status_code == 201, response.text
    # A few edits, so that updated_at differs from created_at and is not in id order.
    for record_id in response.json()["ids"][::-3]:
        await client.patch(f"/api/v1/contacts/{record_id}", json={"job_title": "Edited"})
    return (await client.get("/api/v1/contacts", params={"limit": 200})).json()["items"]


@pytest.mark.parametrize("sort", [*CONTACT_SORTS, *(f"-{column}" for column in CONTACT_SORTS)])
async def test_each_contact_sort_pages_through_every_contact_in_order(crm_client, sort: str) -> None:
    contacts = await _contacts(crm_client, 11)
    assert await _walk(crm_client, "/api/v1/contacts", sort) == _expected(contacts, sort)


@pytest.mark.parametrize("sort", [*COMPANY_SORTS, *(f"-{column}" for column in COMPANY_SORTS)])
async def test_each_company_sort_pages_through_every_company_in_order(crm_client, sort: str) -> None:
    for index in range(8):
        body = {"name": f"Firm{index % 3}", "industry": INDUSTRIES[index % len(INDUSTRIES)]}
        assert (await crm_client.post("/api/v1/companies", json=body)).status_code == 201
    companies = (await crm_client.get("/api/v1/companies", params={"limit": 200})).json()["items"]
    assert await _walk(crm_client, "/api/v1/companies", sort) == _expected(companies, sort)


async def test_a_sort_that_is_not_offered_is_a_422_naming_the_choices(crm_client) -> None:
    response = await crm_client.get("/api/v1/contacts", params={"sort": "owner"})
    assert response.status_code == 422
    assert "lifecycle_stage" in response.json()["errors"]["sort"]
    response = await crm_client.get("/api/v1/companies", params={"sort": "-size"})
    assert response.status_code == 422
    assert "industry" in response.json()["errors"]["sort"]


def _listed_ids(html: str, path: str) -> list[int]:
    # Each row links its record once from its first cell.
    ids = [int(found) for found in re.findall(rf'<a href="/{path}/(\d+)">', html)]
    return list(dict.fromkeys(ids))


@pytest.fixture
async def admin_pages(crm_running_app, crm_admin) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        await sign_in(client, "admin@example.com")
        yield client


@pytest.mark.parametrize("sort", ["lifecycle_stage", "-created_at", "-updated_at", "display_name"])
async def test_the_contact_list_page_sorts_and_loads_the_next_page_in_the_same_order(
    crm_client, admin_pages, sort: str
) -> None:
    contacts = await _contacts(crm_client, 53)
    page = await admin_pages.get("/contacts", params={"sort": sort})
    assert page.status_code == 200
    first = _listed_ids(page.text, "contacts")
    assert len(first) == 50
    column = sort.removeprefix("-")
    assert f'aria-sort="{"descending" if sort.startswith("-") else "ascending"}"><a href="/contacts?' in page.text
    assert f'data-sort="{column}"' in page.text
    more = re.search(r'hx-get="(/contacts\?[^"]+page=rows[^"]*)"', page.text)
    assert more, "a Load more button"
    rest = await admin_pages.get(more.group(1).replace("&amp;", "&"))
    assert first + _listed_ids(rest.text, "contacts") == _expected(contacts, sort)


async def test_the_company_list_page_offers_every_sort_and_sorts_by_industry(crm_client, admin_pages) -> None:
    for index, industry in enumerate(("Retail", "Energy", "", "Energy")):
        await crm_client.post("/api/v1/companies", json={"name": f"Firm{index}", "industry": industry})
    companies = (await crm_client.get("/api/v1/companies")).json()["items"]
    page = await admin_pages.get("/companies", params={"sort": "-industry"})
    assert _listed_ids(page.text, "companies") == _expected(companies, "-industry")
    for column in ("name", "industry", "created_at", "updated_at"):
        assert f'<option value="{column}"' in page.text and f'<option value="-{column}"' in page.text
