"""A contact import's company column: each cell names a company by name or by domain; the
row's contact is linked to it (works at, with the job title as the role), and a company no
one has yet is created.

Per batch, a constant number of queries: one for the companies the cells name among those
the user may see, one for the links the matched contacts have already; the commit adds one
insert each for the new companies, their import keys and the links. A company the run
created is remembered as an import key of the source ``import-run:<id>``, so a rollback can
take it away again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from crm_hookspecs import Principal

from crm_platform import runtime
from crm_platform.clock import now
from crm_platform.companies.clean import clean_domain
from crm_platform.db.bulk import insert_rows
from crm_platform.db.engine import SQLiteEngine
from crm_platform.db.raw import execute, fetch, placeholders
from crm_platform.records import kinds, pipeline

# The ledger's name, in an updated row's ``written``, of the company the run linked it to.
LINK = "link.works_at"
RELATIONSHIP_COLUMNS = ("type", "source_type", "source_id", "target_type", "target_id", "role", "created_at",
                        "created_by")


@dataclass
class Companies:
    """What a run has learnt of the companies its cells name: ``ids`` by key (``None`` for
    one that does not exist yet), ``names`` (a new one's as its first cell spelled it), the
    new ones some row links to, and how many the commit created."""

    ids: dict[str, int | None] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    linked_new: set[str] = field(default_factory=set)
    created: int = 0


def source_of(run_id: int) -> str:
    """The import-key source under which a run remembers the companies it created."""
    return f"import-run:{run_id}"


def key_of(text: str) -> tuple[str, str]:
    """``("domain", "acme.com")`` for a cell that is a host name or web address, else
    ``("name", "acme ltd")``: how a cell is compared with the companies there are."""
    text = text.strip()
    if " " not in text and "." in text:
        try:
            return "domain", clean_domain(text.split("@")[-1])
        except ValueError:
            pass
    return "name", " ".join(text.lower().split())


def _domain_join() -> tuple[str, str]:
    if isinstance(runtime.current().engine, SQLiteEngine):
        return "json_each(c.domains) e", "e.value"
    return "json_array_elements_text(c.domains::json) e", "e.value"


async def resolve(principal: Principal, known: Companies, cells: list[str]) -> None:
    """Find the companies ``cells`` name that ``known`` has not looked up yet, among the
    companies ``principal`` may see; those not found are new (named as the first cell said)."""
    wanted: dict[tuple[str, str], str] = {}
    for text in cells:
        key = key_of(text)
        if f"{key[0]}:{key[1]}" not in known.ids:
            wanted.setdefault(key, text.strip())
    if not wanted:
        return
    where, args = await pipeline.visibility(principal, "company", alias="c")
    visible = "".join(f" AND {part}" for part in where)
    names = [value for kind, value in wanted if kind == "name"]
    domains = [value for kind, value in wanted if kind == "domain"]
    selects, select_args = [], []
    if names:
        selects.append(f"SELECT 'name:' || lower(c.name) AS k, c.id, c.name FROM crm_company c "
                       f"WHERE lower(c.name) IN ({placeholders(names)}){visible}")
        select_args += [*names, *args]
    if domains:
        join, value = _domain_join()
        selects.append(f"SELECT 'domain:' || {value} AS k, c.id, c.name FROM crm_company c, {join} "
                       f"WHERE {value} IN ({placeholders(domains)}){visible}")
        select_args += [*domains, *args]
    found: dict[str, dict[str, Any]] = {}
    for row in await fetch(f"{' UNION ALL '.join(selects)} ORDER BY 2", *select_args):
        found.setdefault(row["k"], row)  # the oldest of same-named companies
    for (kind, value), text in wanted.items():
        key = f"{kind}:{value}"
        row = found.get(key)
        known.ids[key] = row["id"] if row else None
        known.names[key] = row["name"] if row else text


async def linked(contact_ids: list[int]) -> set[tuple[int, int]]:
    """The (contact, company) works-at links the contacts have already."""
    if not contact_ids:
        return set()
    rows = await fetch(
        "SELECT source_id, target_id FROM crm_relationship WHERE type = 'works_at' AND source_type = 'contact' "
        f"AND target_type = 'company' AND source_id IN ({placeholders(contact_ids)})", *contact_ids,
    )
    return {(row["source_id"], row["target_id"]) for row in rows}


async def create_missing(principal: Principal, known: Companies, keys: list[str], run_id: int) -> None:
    """Create the companies among ``keys`` that do not exist yet, in one batch, and remember
    them under the run's import-key source."""
    missing = [key for key in dict.fromkeys(keys) if known.ids.get(key) is None]
    if not missing:
        return
    items: list[dict[str, Any]] = []
    start = {**_company_defaults(), kinds.get("company").owner_column: principal.id}
    for key in missing:
        kind, value = key.split(":", 1)
        items.append({**start, "name": known.names.get(key, value)[:200], "domains": [value] if kind == "domain" else [],
                      "tags": [], "custom": {}})
    ids = await pipeline.create_many(principal, "company", items)
    for key, company_id in zip(missing, ids, strict=True):
        known.ids[key] = company_id
    known.created += len(ids)
    args: list[Any] = []
    for key, company_id in zip(missing, ids, strict=True):
        args += ["company", source_of(run_id), key[:254], company_id]
    await execute(
        "INSERT INTO crm_import_key (record_type, source, external_id, record_id) VALUES "
        + ", ".join("({}, {}, {}, {})" for _ in missing)
        + " ON CONFLICT (record_type, source, external_id) DO UPDATE SET record_id = excluded.record_id", *args,
    )


def _company_defaults() -> dict[str, Any]:
    """A new company's column defaults (its clean expects every field); moments are left
    for the write to stamp."""
    kind = kinds.get("company")
    instance = kind.table()
    values = {name: getattr(instance, name) for name in kinds.columns(kind) - {"id", "created_at", "updated_at"}}
    return {name: value for name, value in kinds.decode(kind, values).items() if not isinstance(value, dt.datetime)}


async def unlink(contact_id: int, company_id: int) -> None:
    """Remove the works-at link a run added to a contact it updated."""
    await execute(
        "DELETE FROM crm_relationship WHERE type = 'works_at' AND source_type = 'contact' AND source_id = {} "
        "AND target_type = 'company' AND target_id = {}", contact_id, company_id,
    )


async def link(principal: Principal, links: list[tuple[int, int, str]]) -> None:
    """Insert the works-at links ``(contact, company, role)`` in one statement."""
    if links:
        moment = now()
        await insert_rows("crm_relationship", RELATIONSHIP_COLUMNS, [
            ("works_at", "contact", contact_id, "company", company_id, role[:100], moment, principal.id)
            for contact_id, company_id, role in dict.fromkeys(links)
        ])
