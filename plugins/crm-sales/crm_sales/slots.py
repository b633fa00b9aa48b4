"""What the sales plugin adds to other pages: the deals panel and the dashboard widget.

Slots take finished, escaped HTML, so they are rendered here with the plugin's own
templates rather than through a request.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from crm_hookspecs import DashboardWidget, Panel, Principal
from jinja2 import Environment, FileSystemLoader, select_autoescape

from crm_platform.toolkit import fetch, setting
from crm_sales.clean import money
from crm_sales.listing import DealFilters, list_deals

PANEL_LIMIT = 20
_templates = Environment(
    loader=FileSystemLoader(str(Path(__file__).parent / "templates")), autoescape=select_autoescape(default=True)
)


async def deals_panel(record_type: str, record_id: int, principal: Principal) -> Panel | None:
    if record_type == "contact":
        filters = DealFilters(contact_id=record_id)
    elif record_type == "company":
        filters = DealFilters(company_id=record_id)
    else:
        return None
    rows, _ = await list_deals(principal, filters, "-updated_at", PANEL_LIMIT)
    html = _templates.get_template("sales/panel_deals.html").render(deals=rows)
    return Panel(key="sales-deals", title="Deals", html=html, order=30)


async def pipeline_widget(principal: Principal) -> DashboardWidget:
    """The user's own open deals: weighted total and the next to close."""
    currency = await setting("sales", "default_currency")
    totals = await fetch(
        "SELECT count(*) AS n, sum(amount * probability) AS weighted FROM sales_deal "
        "WHERE status = 'open' AND owner = {} AND currency = {}",
        principal.id, currency,
    )
    closing = await fetch(
        "SELECT id, title, amount, currency, expected_close_date FROM sales_deal "
        "WHERE status = 'open' AND owner = {} AND expected_close_date >= {} "
        "ORDER BY expected_close_date, id LIMIT 5",
        principal.id, dt.date.today() - dt.timedelta(days=30),
    )
    for row in closing:
        row["amount"] = money(row["amount"])
    figures = {
        "currency": currency, "open_count": totals[0]["n"],
        "weighted_total": money(Decimal(str(totals[0]["weighted"] or 0)) / 100),
    }
    html = _templates.get_template("sales/widget.html").render(figures=figures, closing=closing)
    return DashboardWidget(key="sales-pipeline", title="My pipeline", html=html, order=20)
