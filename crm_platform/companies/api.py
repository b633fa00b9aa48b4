"""``/api/v1/companies``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from crm_platform.companies import listing, related, service
from crm_platform.companies.schemas import (
    CompanyIn,
    CompanyOut,
    CompanyPage,
    CompanyPatch,
    Hierarchy,
    PeoplePage,
    Person,
)
from crm_platform.users.auth import CurrentPrincipal


def to_out(row: dict[str, Any]) -> CompanyOut:
    return msgspec.convert(
        {**row, "owner_id": row["owner"], "parent_id": row["parent"]}, CompanyOut, strict=False
    )


class CompanyController(Controller):
    path = "/api/v1/companies"
    tags = ["companies"]

    @get("/")
    async def list_companies(
        self,
        principal: CurrentPrincipal,
        owner_id: FromQuery[int | None] = None,
        tag: FromQuery[str | None] = None,
        industry: FromQuery[str | None] = None,
        parent_id: FromQuery[int | None] = None,
        updated_since: FromQuery[dt.datetime | None] = None,
        custom: Annotated[
            list[str] | None,
            Parameter(description=(
                "custom field filter, key:value (equals) or key:operator:value; operators eq, not, lt, gt, "
                "between (low,high), in (a,b), contains, empty, not_empty; repeat for several, all must match"
            )),
        ] = None,
        sort: Annotated[
            str, Parameter(description="name, industry, created_at, updated_at or id; - for descending")
        ] = "name",
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: FromQuery[str | None] = None,
    ) -> CompanyPage:
        """Companies you may see, one keyset page at a time; follow ``next_cursor``."""
        filters = listing.CompanyFilters(owner_id, tag, industry, parent_id, updated_since, custom or [])
        rows, next_cursor = await listing.list_companies(principal, filters, sort, limit, cursor)
        return CompanyPage(items=[to_out(row) for row in rows], next_cursor=next_cursor)

    @post("/")
    async def create_company(self, principal: CurrentPrincipal, data: JSONBody[CompanyIn]) -> CompanyOut:
        """Create a company; domains are stored as lower-case host names."""
        return to_out(await service.create(principal, data))

    @get("/{company_id:int}")
    async def get_company(self, principal: CurrentPrincipal, company_id: FromPath[int]) -> CompanyOut:
        return to_out(await service.get(principal, company_id))

    @patch("/{company_id:int}")
    async def update_company(
        self, principal: CurrentPrincipal, company_id: FromPath[int], data: JSONBody[CompanyPatch]
    ) -> CompanyOut:
        """Change the fields given; the others keep their values. A parent may not be a subsidiary."""
        return to_out(await service.update(principal, company_id, data))

    @delete("/{company_id:int}")
    async def delete_company(self, principal: CurrentPrincipal, company_id: FromPath[int]) -> None:
        """Delete the company and its links; its subsidiaries stay, without a parent."""
        await service.delete(principal, company_id)

    @get("/{company_id:int}/people")
    async def list_people(
        self,
        principal: CurrentPrincipal,
        company_id: FromPath[int],
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: FromQuery[str | None] = None,
    ) -> PeoplePage:
        """Contacts who work at the company (and whom you may see), by name."""
        rows, next_cursor = await related.people(principal, company_id, limit, cursor)
        return PeoplePage(items=[Person(**row) for row in rows], next_cursor=next_cursor)

    @get("/{company_id:int}/hierarchy")
    async def get_hierarchy(
        self,
        principal: CurrentPrincipal,
        company_id: FromPath[int],
        depth: Annotated[int, Parameter(ge=1, le=related.MAX_DEPTH)] = 3,
    ) -> Hierarchy:
        """Parent companies and subsidiaries up to ``depth`` levels away."""
        return msgspec.convert(await related.hierarchy(principal, company_id, depth), Hierarchy)
