"""``/api/v1/automation/sequences``: sequences' whole life (create, read, edit, trash, restore,
list) and their enrolments (enrol, take out, list with each contact's step)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from crm_automation import sequences
from crm_automation.api import MANAGE, VIEW, only_fields
from crm_platform.toolkit import CurrentPrincipal, check_limit, invalid, require_permission


class SequenceController(Controller):
    path = "/sequences"

    @get("/")
    async def list_sequences(self, principal: CurrentPrincipal, deleted: FromQuery[bool] = False
                             ) -> list[dict[str, Any]]:
        """Every sequence by name; ``?deleted=true``: those in the trash."""
        await require_permission(principal, VIEW)
        return await sequences.all_sequences(deleted=deleted)

    @post("/")
    async def create_sequence(self, principal: CurrentPrincipal, data: JSONBody[Any]) -> dict[str, Any]:
        """A sequence: ``steps`` of ``type`` (email, call, linkedin, task), ``delay_days`` after the
        step before, ``subject`` and ``body`` (Jinja templates with ``contact``)."""
        await require_permission(principal, MANAGE)
        return await sequences.create(principal, data)

    @get("/{sequence_id:int}")
    async def get_sequence(self, principal: CurrentPrincipal, sequence_id: FromPath[int]) -> dict[str, Any]:
        await require_permission(principal, VIEW)
        return await sequences.get(sequence_id)

    @patch("/{sequence_id:int}")
    async def edit_sequence(self, principal: CurrentPrincipal, sequence_id: FromPath[int],
                            data: JSONBody[Any]) -> dict[str, Any]:
        await require_permission(principal, MANAGE)
        return await sequences.update(sequence_id, data)

    @delete("/{sequence_id:int}")
    async def trash_sequence(self, principal: CurrentPrincipal, sequence_id: FromPath[int]) -> None:
        """Into the trash: its steps wait until it is restored."""
        await require_permission(principal, MANAGE)
        await sequences.trash(sequence_id)

    @post("/{sequence_id:int}/restore", status_code=200)
    async def restore_sequence(self, principal: CurrentPrincipal, sequence_id: FromPath[int]) -> dict[str, Any]:
        await require_permission(principal, MANAGE)
        return await sequences.restore(sequence_id)

    @get("/{sequence_id:int}/enrolments")
    async def list_enrolments(self, principal: CurrentPrincipal, sequence_id: FromPath[int],
                              limit: FromQuery[int] = 50, cursor: FromQuery[int | None] = None) -> dict[str, Any]:
        """The contacts in the sequence that the user sees, each with its step, by enrolment."""
        await require_permission(principal, VIEW)
        items, next_cursor = await sequences.enrolments(principal, sequence_id, check_limit(limit), cursor)
        return {"items": items, "next_cursor": next_cursor}

    @post("/{sequence_id:int}/enrolments", status_code=200)
    async def enrol(self, principal: CurrentPrincipal, sequence_id: FromPath[int],
                    data: JSONBody[Any]) -> dict[str, Any]:
        """Enrol ``contact_ids``; those already in it are left where they are."""
        await require_permission(principal, MANAGE)
        body = only_fields(data, "contact_ids")
        return {"enrolled": await sequences.enrol(principal, sequence_id, body.get("contact_ids"))}

    @post("/{sequence_id:int}/enrolments/remove", status_code=200)
    async def unenrol(self, principal: CurrentPrincipal, sequence_id: FromPath[int],
                      data: JSONBody[Any]) -> dict[str, Any]:
        """Take ``contact_ids`` out of the sequence."""
        await require_permission(principal, MANAGE)
        # The body is checked first, as for every write: a wrong one is a 422 whatever the id.
        ids = only_fields(data, "contact_ids").get("contact_ids")
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise invalid("contact_ids", "must be a list of contact ids")
        await sequences.get(sequence_id)
        return {"removed": await sequences.unenrol(sequence_id, ids, "taken out by hand")}


HANDLERS = (SequenceController,)
