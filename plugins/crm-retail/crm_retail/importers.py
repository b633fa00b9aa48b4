"""Order exports of two shops, read into one row per order for the core's import runs: the
rows of an order (one per line item) are grouped, its line items written as the JSON the
order's ``lines`` field takes. The rows of one order follow each other, as both shops export
them. The core does the rest: mapping, dry run, ledger, commit, rollback, and re-runs that
update instead of duplicating (each order's external id is its number)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from crm_hookspecs import Importer

COLUMNS = ["external_id", "number", "customer_email", "ordered_at", "status", "currency", "lines"]


@dataclass(frozen=True)
class Shape:
    """Which columns of a shop's export hold what."""

    number: str
    email: str
    ordered_at: str
    status: Callable[[dict[str, str]], str]
    currency: str
    product: str
    quantity: str
    unit_price: Callable[[dict[str, str]], str]
    extras: Callable[[dict[str, str]], list[dict[str, object]]] = lambda row: []


def _shopify_status(row: dict[str, str]) -> str:
    if (row.get("Cancelled at") or "").strip():
        return "cancelled"
    financial = (row.get("Financial Status") or "").strip().lower()
    if financial in ("refunded",):
        return "refunded"
    if financial in ("voided",):
        return "cancelled"
    if financial in ("pending", "authorized", ""):
        return "pending"
    return "fulfilled" if (row.get("Fulfillment Status") or "").strip().lower() == "fulfilled" else "paid"


def _shopify_shipping(row: dict[str, str]) -> list[dict[str, object]]:
    shipping = (row.get("Shipping") or "").strip()
    if shipping and shipping.replace(".", "", 1).isdecimal() and float(shipping) > 0:
        return [{"product": "Shipping", "quantity": 1, "unit_price": shipping}]
    return []


WOO_STATUSES = {"completed": "fulfilled", "processing": "paid", "on-hold": "pending", "pending": "pending",
                "cancelled": "cancelled", "failed": "cancelled", "refunded": "refunded"}


def _woo_status(row: dict[str, str]) -> str:
    raw = (row.get("Order Status") or row.get("Status") or "").strip().lower().removeprefix("wc-")
    return WOO_STATUSES.get(raw, raw)


def _woo_unit_price(row: dict[str, str]) -> str:
    """WooCommerce gives the line's cost per item, or only the line's total."""
    cost = (row.get("Item Cost") or "").strip()
    if cost:
        return cost
    total, quantity = (row.get("Item Total") or "").strip(), (row.get("Item Quantity") or "").strip()
    try:
        return f"{float(total) / int(quantity):.2f}"
    except (ValueError, ZeroDivisionError):
        return total


SHOPIFY = Shape("Name", "Email", "Created at", _shopify_status, "Currency", "Lineitem name", "Lineitem quantity",
                lambda row: row.get("Lineitem price") or "", _shopify_shipping)
WOOCOMMERCE = Shape("Order Number", "Billing Email", "Order Date", _woo_status, "Order Currency", "Item Name",
                    "Item Quantity", _woo_unit_price)


def _moment(text: str) -> str:
    """A shop's time as ISO 8601: Shopify writes ``2024-03-01 10:15:00 +0100``, WooCommerce
    ``2024-03-01 10:15:00`` (the shop's zone, read as UTC)."""
    text = text.strip()
    for pattern in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            moment = dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
        return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).isoformat()
    return text  # the order's check names what is wrong with it


def grouped(shape: Shape, path: str) -> Iterator[dict[str, str]]:
    """One row per order, one order in memory at a time."""
    with open(path, encoding="utf-8-sig", newline="") as file:
        current: dict[str, str] | None = None
        items: list[dict[str, object]] = []
        extras: list[dict[str, object]] = []
        for row in csv.DictReader(file):
            number = (row.get(shape.number) or "").strip()
            if current is None or number != current["number"]:
                if current is not None:
                    yield current | {"lines": json.dumps(items + extras)}
                current = {
                    "external_id": number, "number": number, "customer_email": (row.get(shape.email) or "").strip(),
                    "ordered_at": _moment(row.get(shape.ordered_at) or ""), "status": shape.status(row),
                    "currency": (row.get(shape.currency) or "").strip(),
                }
                extras = list(shape.extras(row))
                items = []
            product = (row.get(shape.product) or "").strip()
            if product:
                quantity = (row.get(shape.quantity) or "").strip()
                items.append({"product": product,
                              "quantity": int(quantity) if quantity.lstrip("-").isdecimal() else quantity,
                              "unit_price": shape.unit_price(row).strip()})
        if current is not None:
            yield current | {"lines": json.dumps(items + extras)}


def _has_columns(*names: str) -> Callable[[bytes, str], bool]:
    def detect(head: bytes, filename: str) -> bool:
        first = head.decode("utf-8-sig", errors="replace").splitlines()[:1]
        if not first:
            return False
        header = {cell.strip() for cell in next(csv.reader(first), [])}
        return all(name in header for name in names)

    return detect


IMPORTERS = [
    Importer("retail.shopify", "Shopify orders export",
             detect=_has_columns("Name", "Email", "Financial Status", "Lineitem name", "Lineitem quantity"),
             columns=lambda path: list(COLUMNS), rows=lambda path: grouped(SHOPIFY, path),
             kinds=("retail.order",), extensions=(".csv",)),
    Importer("retail.woocommerce", "WooCommerce orders export",
             detect=_has_columns("Order Number", "Billing Email", "Item Name", "Item Quantity"),
             columns=lambda path: list(COLUMNS), rows=lambda path: grouped(WOOCOMMERCE, path),
             kinds=("retail.order",), extensions=(".csv",)),
]
