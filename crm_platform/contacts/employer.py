"""The company a contact works at, as the contact form picks it: one works-at link, changed
through the relationships service so the old link goes to the trash and both are audited."""

from __future__ import annotations

from crm_hookspecs import Principal

from crm_platform.db.raw import fetch
from crm_platform.records import pipeline
from crm_platform.relationships import service as relationships
from crm_platform.relationships.schemas import RecordRef, RelationshipIn


def picked_company(value: str) -> int | None:
    """The company id of a picker's ``company:ID`` value (or a bare id); None for no company."""
    text = value.strip().removeprefix("company:")
    return int(text) if text.isdecimal() else None


async def set_employer(principal: Principal, contact_id: int, shown_id: int | None, company_id: int | None) -> None:
    """Replace the works-at link the form showed (``shown_id``) by one to ``company_id``.

    Other companies the contact works at are kept: the form shows and changes one of them.
    """
    if company_id == shown_id:
        return
    if shown_id is not None:
        rows = await fetch(
            "SELECT id FROM crm_relationship WHERE type = 'works_at' AND source_type = 'contact' "
            "AND source_id = {} AND target_type = 'company' AND target_id = {}",
            contact_id, shown_id,
        )
        for row in rows:
            await relationships.delete(principal, row["id"])
    if company_id is not None:
        linked = await fetch(
            "SELECT id FROM crm_relationship WHERE type = 'works_at' AND source_type = 'contact' "
            "AND source_id = {} AND target_type = 'company' AND target_id = {}",
            contact_id, company_id,
        )
        if not linked:
            await relationships.create(principal, RelationshipIn(
                type="works_at", source=RecordRef("contact", contact_id), target=RecordRef("company", company_id),
            ))


async def visible_company(principal: Principal, company_id: int | None) -> dict | None:
    """The company's id and name for the form, or None when there is none or it is hidden."""
    if company_id is None:
        return None
    found = await pipeline.read_many(principal, "company", [company_id])
    row = found.get(company_id)
    return {"id": row["id"], "name": row["name"]} if row else None
