"""The CSV export of properties: the list's filters, a column per custom field (headed by its
key), every cell through the toolkit's ``csv_document`` so none runs as a formula in a
spreadsheet."""

from __future__ import annotations

import json

from crm_hookspecs import Principal
from crm_platform.toolkit import csv_document, fetch, field_definitions, visibility_sql

from crm_realestate import properties

HEADER = ["id", "address", "area", "type", "bedrooms", "bathrooms", "area_m2", "price", "currency", "status",
          "agent", "owner", "photos", "tags"]
MAX_ROWS = 100_000


async def properties_csv(principal: Principal, filters: properties.Filters) -> str:
    conditions, args = await visibility_sql(principal, properties.KIND_KEY)
    more, more_args = filters.sql()
    conditions += more
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = await fetch(
        f"SELECT {properties.LIST_COLUMNS}, photos, tags, custom FROM realestate_property {where} "
        f"ORDER BY id LIMIT {MAX_ROWS}", *args, *more_args
    )
    names = await properties.names(principal, rows)
    custom_keys = list(await field_definitions(properties.KIND_KEY))

    def decoded(value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value

    def cell(value: object) -> object:  # written as the core's exports write custom fields
        if isinstance(value, bool):
            return "true" if value else "false"
        return ", ".join(map(str, value)) if isinstance(value, list) else value

    return csv_document([*HEADER, *custom_keys], (
        [row["id"], row["address"], row["area"], row["type"], row["bedrooms"], row["bathrooms"],
         row["area_m2"], row["price"], row["currency"], row["status"], names["agents"].get(row["agent"], ""),
         names["contacts"].get(row["owner_contact_id"], ""), " ".join(decoded(row["photos"]) or []),
         ", ".join(decoded(row["tags"]) or []),
         *(cell((decoded(row["custom"]) or {}).get(key)) for key in custom_keys)]
        for row in rows
    ))
