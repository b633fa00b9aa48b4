"""``/api/v1/relationships`` and ``/api/v1/contacts/{id}/graph``."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from crm_platform.errors import Invalid
from crm_platform.relationships import graph, service
from crm_platform.relationships.ends import CORE_KINDS
from crm_platform.relationships.schemas import (
    End,
    Graph,
    RelationshipIn,
    RelationshipOut,
    RelationshipPage,
    RelationshipPatch,
)
from crm_platform.users.auth import CurrentPrincipal


def to_out(row: dict[str, Any], label: str) -> RelationshipOut:
    return RelationshipOut(
        id=row["id"],
        type=row["type"],
        label=label,
        source=End(row["source_type"], row["source_id"], row["source_name"] or ""),
        target=End(row["target_type"], row["target_id"], row["target_name"] or ""),
        role=row["role"],
        since=row["since"],
        until=row["until"],
        created_at=row["created_at"],
    )


def _forward(row: dict[str, Any]) -> RelationshipOut:
    return to_out(row, service.label_from(row, service.registered_types(), None, None))


class RelationshipController(Controller):
    path = "/api/v1/relationships"
    tags = ["relationships"]

    @get("/")
    async def list_relationships(
        self,
        principal: CurrentPrincipal,
        record_type: Annotated[
            str | None, Parameter(description="contact or company; give record_id too")
        ] = None,
        record_id: FromQuery[int | None] = None,
        type: Annotated[str | None, Parameter(description="a relationship type key, e.g. works_at")] = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: FromQuery[str | None] = None,
    ) -> RelationshipPage:
        """Relationships between records you may see. With ``record_type`` and ``record_id``:
        that record's, in both directions, each labelled as read from that record."""
        if (record_type is None) != (record_id is None):
            missing = "record_id" if record_id is None else "record_type"
            raise Invalid({missing: "give record_type and record_id together"})
        if record_type is not None and record_type not in CORE_KINDS:
            raise Invalid({"record_type": f"must be one of {', '.join(CORE_KINDS)}"})
        record = (record_type, record_id) if record_type is not None and record_id is not None else None
        rows, next_cursor = await service.list_relationships(principal, record, type, limit, cursor)
        types = service.registered_types()
        items = [
            to_out(row, service.label_from(row, types, record_type, record_id)) for row in rows
        ]
        return RelationshipPage(items=items, next_cursor=next_cursor)

    @post("/")
    async def create_relationship(self, principal: CurrentPrincipal, data: JSONBody[RelationshipIn]) -> RelationshipOut:
        """Link two records. The type must be registered and fit both ends; a second identical
        link is refused (409). You need write access to the source."""
        return _forward(await service.create(principal, data))

    @get("/{relationship_id:int}")
    async def get_relationship(
        self, principal: CurrentPrincipal, relationship_id: FromPath[int]
    ) -> RelationshipOut:
        return _forward(await service.get(principal, relationship_id))

    @patch("/{relationship_id:int}")
    async def update_relationship(
        self, principal: CurrentPrincipal, relationship_id: FromPath[int], data: JSONBody[RelationshipPatch]
    ) -> RelationshipOut:
        """Change the role or the dates."""
        return _forward(await service.update(principal, relationship_id, data))

    @delete("/{relationship_id:int}")
    async def delete_relationship(self, principal: CurrentPrincipal, relationship_id: FromPath[int]) -> None:
        await service.delete(principal, relationship_id)


@get("/api/v1/contacts/{contact_id:int}/graph", tags=["contacts"])
async def contact_graph(
    principal: CurrentPrincipal,
    contact_id: FromPath[int],
    depth: Annotated[int, Parameter(ge=1, le=graph.MAX_DEPTH)] = 2,
) -> Graph:
    """Contacts and companies related to this contact, up to ``depth`` steps away (at most
    200 nodes), that you may see."""
    return msgspec.convert(await graph.contact_graph(principal, contact_id, depth), Graph)
