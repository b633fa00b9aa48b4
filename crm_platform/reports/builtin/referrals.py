"""Referrals: who brought in whom (``referred_by`` links) and what those contacts became."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import ContactRevenue, ReportColumn, ReportDefinition, ReportQuery, ReportResult

from crm_platform import runtime
from crm_platform.db.raw import fetch, placeholders
from crm_platform.records.access import visibility_sql
from crm_platform.reports.measures import rate
from crm_platform.reports.scope import joined, report_scope

TOP = 50
HIDDEN = "Someone you cannot see"


async def _names(query: ReportQuery, kind: str, ids: list[int]) -> dict[int, str]:
    """Names of the referrers the viewer may see; the others stay unnamed."""
    if not ids:
        return {}
    table, title = ("crm_contact", "display_name") if kind == "contact" else ("crm_company", "name")
    where, args = await visibility_sql(query.principal, "read", kind, table)
    rows = await fetch(
        f"SELECT id, {title} AS name FROM {table} WHERE id IN ({placeholders(ids)}){joined(where)}", *ids, *args
    )
    return {row["id"]: row["name"] for row in rows}


def _revenue_plugins() -> bool:
    host = runtime.current().host
    return any(host.is_active(impl.plugin_name) for impl in host.pm.hook.crm_contact_revenue.get_hookimpls())


async def _revenue(query: ReportQuery, referrers: list[tuple[str, int]], where: list[str],
                   args: list[Any]) -> dict[tuple[str, int], dict[str, float]]:
    """What the contacts each referrer brought in produced, per currency, as the plugins that
    keep amounts (sales: won deals) answer ``crm_contact_revenue``: one query for the
    referred contacts, one hook call for all of them."""
    ids = sorted({referrer for _, referrer in referrers})
    pairs = await fetch(
        "SELECT r.target_type AS kind, r.target_id AS referrer, r.source_id AS contact "
        "FROM crm_relationship r JOIN crm_contact c ON c.id = r.source_id "
        "WHERE r.type = 'referred_by' AND r.source_type = 'contact' AND r.created_at >= {} AND r.created_at < {} "
        f"AND r.target_id IN ({placeholders(ids)}){joined(where)}",
        query.starts, query.ends, *ids, *args,
    )
    wanted = set(referrers)
    referred: dict[int, set[tuple[str, int]]] = {}
    for row in pairs:
        if (row["kind"], row["referrer"]) in wanted:
            referred.setdefault(int(row["contact"]), set()).add((row["kind"], row["referrer"]))
    if not referred:
        return {}
    found: dict[tuple[str, int], dict[str, float]] = {}
    for item in await runtime.current().host.call("crm_contact_revenue", expect=ContactRevenue,
                                                  principal=query.principal, contact_ids=sorted(referred)):
        for referrer in referred.get(item.contact_id, ()):
            amounts = found.setdefault(referrer, {})
            amounts[item.currency] = amounts.get(item.currency, 0.0) + item.amount
    return found


def _amounts(amounts: dict[str, float]) -> str:
    return "; ".join(f"{amount:,.2f} {currency}" for currency, amount in sorted(amounts.items())) or "—"


async def referrals(query: ReportQuery) -> ReportResult:
    where, args = await report_scope(query, "contact", "crm_contact", alias="c")
    rows = await fetch(
        "SELECT r.target_type AS kind, r.target_id AS referrer, count(*) AS referred, "
        "sum(CASE WHEN c.lifecycle_stage = 'customer' THEN 1 ELSE 0 END) AS customers, "
        "sum(CASE WHEN c.lifecycle_stage = 'former' THEN 1 ELSE 0 END) AS former "
        "FROM crm_relationship r JOIN crm_contact c ON c.id = r.source_id "
        "WHERE r.type = 'referred_by' AND r.source_type = 'contact' AND r.created_at >= {} AND r.created_at < {}"
        f"{joined(where)} GROUP BY r.target_type, r.target_id ORDER BY count(*) DESC, r.target_id LIMIT {TOP}",
        query.starts, query.ends, *args,
    )
    found: dict[tuple[str, int], str] = {}
    for kind in ("contact", "company"):
        ids = [row["referrer"] for row in rows if row["kind"] == kind]
        found |= {(kind, key): name for key, name in (await _names(query, kind, ids)).items()}
    with_revenue = bool(rows) and _revenue_plugins()
    revenue = await _revenue(query, [(row["kind"], row["referrer"]) for row in rows], where, args) \
        if with_revenue else {}
    result: list[dict[str, Any]] = []
    for row in rows:
        customers, referred = int(row["customers"] or 0), int(row["referred"])
        result.append({
            "referrer": found.get((row["kind"], row["referrer"]), HIDDEN), "referred": referred,
            "customers": customers, "former": int(row["former"] or 0), "customer_rate": rate(customers, referred),
            **({"revenue": _amounts(revenue.get((row["kind"], row["referrer"]), {}))} if with_revenue else {}),
        })
    revenue_columns = (ReportColumn("revenue", "Revenue of those referred", "text"),) if with_revenue else ()
    return ReportResult(
        (ReportColumn("referrer", "Referred by", "text"), ReportColumn("referred", "Contacts referred"),
         ReportColumn("customers", "Now customers"), ReportColumn("former", "Former customers"),
         ReportColumn("customer_rate", "Customer rate", "percent"), *revenue_columns),
        result, series=("referred", "customers"),
        summary={"referred": sum(r["referred"] for r in result)},
        note=f"Referred-by links made in the period, the {TOP} referrers who brought in most first"
             + ("; revenue: what the referred contacts' won deals (or the plugins' orders) brought in." if with_revenue
                else "."),
    )


REPORTS = [
    ReportDefinition(
        "referrals", "Referrals", referrals,
        description="Who brought in whom, and how many of those contacts became customers.",
        group_by=("referrer",), chart="bar", record_kind="contact", order=50,
    ),
]
