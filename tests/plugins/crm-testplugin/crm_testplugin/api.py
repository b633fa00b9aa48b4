"""``/api/v1/probe/...`` and the ``/probe/`` page."""

from __future__ import annotations

import msgspec
from litestar import Controller, MediaType, Request, Response, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from crm_platform.toolkit import CurrentPrincipal, fetch, render_fragment, require_permission, setting
from crm_testplugin import events, notes


class NoteIn(msgspec.Struct, forbid_unknown_fields=True):
    contact_id: int
    text: str


class NoteOut(msgspec.Struct):
    id: int
    contact_id: int
    text: str


class NoteController(Controller):
    path = "/notes"

    @post("/")
    async def add_note(self, principal: CurrentPrincipal, data: JSONBody[NoteIn]) -> NoteOut:
        return msgspec.convert(await notes.add(principal, data.contact_id, data.text), NoteOut)

    @get("/")
    async def list_notes(self, principal: CurrentPrincipal, contact_id: FromQuery[int]) -> list[NoteOut]:
        rows = await notes.for_contact(principal, contact_id)
        return [NoteOut(id=row["id"], contact_id=row["contact_id"], text=row["text"]) for row in rows]

    @delete("/{note_id:int}")
    async def delete_note(self, principal: CurrentPrincipal, note_id: FromPath[int]) -> None:
        await notes.delete(principal, note_id)


@get("/events")
async def received_events(principal: CurrentPrincipal) -> list[str]:
    """The names of the events this process delivered to the plugin, oldest first."""
    return [event.name for event in events.RECEIVED]


@get("/greeting")
async def greeting(principal: CurrentPrincipal) -> dict[str, object]:
    """The greeting as the plugin reads its settings, through the toolkit."""
    text = await setting("probe", "greeting")
    return {"greeting": text.upper() if await setting("probe", "shout") else text,
            "page_size": await setting("probe", "page_size")}


@get("/export")
async def export_notes(principal: CurrentPrincipal) -> dict[str, int]:
    """Only for roles holding ``probe.export``."""
    await require_permission(principal, "probe.export")
    rows = await fetch("SELECT COUNT(*) AS n FROM probe_note")
    return {"notes": rows[0]["n"]}


@get("/", media_type=MediaType.HTML)
async def probe_page(principal: CurrentPrincipal) -> str:
    return "<h1>Probe</h1>"


@get("/contacts/{contact_id:int}/notes")
async def contact_notes_tab(
    request: Request, principal: CurrentPrincipal, contact_id: FromPath[int]
) -> Response:
    """The content of the contact page's "Notes" tab, from the plugin's own template."""
    return render_fragment(request, "probe/notes.html", notes=await notes.for_contact(principal, contact_id))
