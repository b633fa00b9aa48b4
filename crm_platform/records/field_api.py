"""``/api/v1/custom-fields``: the custom fields admins define, listed, added and removed
(plugins' fields are declared in code and listed under ``defined_by`` with their plugin)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import msgspec
from litestar import delete, get, post
from litestar.params import FromPath, JSONBody, Parameter
from msgspec import Meta

from crm_platform import runtime
from crm_platform.records import field_admin
from crm_platform.users.auth import CurrentPrincipal


class CustomFieldOut(msgspec.Struct):
    """``id`` is null and ``defined_by`` names the plugin for a plugin's field, which cannot
    be removed here; ``reference`` is the kind a record field points to."""

    id: int | None
    record_type: str
    key: str
    label: str
    kind: str
    choices: list[str]
    reference: str
    required: bool
    searchable: bool
    defined_by: str


class CustomFieldIn(msgspec.Struct, forbid_unknown_fields=True):
    record_type: Annotated[str, Meta(max_length=40)]
    key: Annotated[str, Meta(max_length=60)]
    kind: Annotated[str, Meta(max_length=20)] = "text"
    label: Annotated[str, Meta(max_length=100)] = ""
    choices: Annotated[list[Annotated[str, Meta(max_length=100)]], Meta(max_length=200)] = []
    reference: Annotated[str, Meta(max_length=40)] = ""
    required: bool = False
    searchable: bool = False


def _out(item: field_admin.AdminField) -> CustomFieldOut:
    return CustomFieldOut(**asdict(item), defined_by="admin")


@get("/api/v1/custom-fields", tags=["instance"])
async def list_custom_fields(
    principal: CurrentPrincipal,
    record_type: Annotated[str | None, Parameter(max_length=40, description="only the fields of this kind: contact, company ...")] = None,
) -> list[CustomFieldOut]:
    """Every custom field of enabled plugins and admins, or of one ``record_type``; anyone
    signed in may read them, as every form shows them."""
    plugins = [
        CustomFieldOut(id=None, record_type=owned.item.record_type, key=owned.item.key, label=owned.item.label,
                       kind=owned.item.kind, choices=list(owned.item.choices), reference=owned.item.reference,
                       required=owned.item.required, searchable=owned.item.searchable, defined_by=owned.slug)
        for owned in runtime.current().host.owned("crm_field_definitions")
        if record_type is None or owned.item.record_type == record_type
    ]
    return plugins + [_out(item) for item in await field_admin.listed(record_type)]


@post("/api/v1/custom-fields", tags=["instance"])
async def add_custom_field(principal: CurrentPrincipal, data: JSONBody[CustomFieldIn]) -> CustomFieldOut:
    """Define a field on a kind that takes custom fields. Admins only; 422 naming what is
    wrong, or ``key`` when the kind has that field already. Audited."""
    return _out(await field_admin.add(principal, field_admin.NewField(**msgspec.structs.asdict(data) | {
        "choices": tuple(data.choices)})))


@delete("/api/v1/custom-fields/{field_id:int}", tags=["instance"], status_code=200)
async def remove_custom_field(principal: CurrentPrincipal, field_id: FromPath[int]) -> CustomFieldOut:
    """Remove an admin's field; the values records hold under its key stay, and come back
    if the field is added again. Admins only. Audited."""
    return _out(await field_admin.remove(principal, field_id))


HANDLERS = [list_custom_fields, add_custom_field, remove_custom_field]
