"""What the sales plugin adds to other pages: the deals panel and the dashboard widget.

Both name one of the plugin's templates and its context; the core renders them in the
user's theme.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from crm_hookspecs import DashboardWidget, Panel, Principal, RecordAction

from crm_platform.toolkit import fetch
from crm_sales.clean import money
from crm_sales.deals import default_currency
from crm_sales.listing import DealFilters, list_deals

PANEL_LIMIT = 20


async def deals_panel(record_type: str, record_id: int, principal: Principal) -> Panel | None:
    """The deals of a contact or a company that the user may see, newest change first."""
    if record_type == "contact":
        filters = DealFilters(contact_id=record_id)
    elif record_type == "company":
        filters = DealFilters(company_id=record_id)
    else:
        return None
    rows, _ = await list_deals(principal, filters, "-updated_at", PANEL_LIMIT)
    context = {"deals": rows, "new_deal_href": new_deal_href(record_type, record_id)}
    return Panel(key="sales-deals", title="Deals", template="sales/panel_deals.html", context=context, order=30)


def new_deal_href(record_type: str, record_id: int) -> str:
    """The new deal form, started with the contact or company of the page it is opened from."""
    return f"/sales/deals/new?{record_type}={record_id}"


def new_deal_action(record_type: str, record_id: int) -> RecordAction | None:
    if record_type not in ("contact", "company"):
        return None
    return RecordAction(key="sales-new-deal", label="New deal", href=new_deal_href(record_type, record_id), order=30)


async def pipeline_widget(principal: Principal) -> DashboardWidget:
    """The user's own open deals: weighted total and the next to close."""
    currency = await default_currency()
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
    return DashboardWidget(
        key="sales-pipeline", title="My pipeline", template="sales/widget.html",
        context={"figures": figures, "closing": closing}, order=20,
    )
