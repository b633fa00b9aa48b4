"""Loyalty points: earned per order by the rules an admin sets, redeemed by staff, never below
zero; tiers by the points a customer has earned in all."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from crm_hookspecs import Principal, Setting
from crm_platform.toolkit import (
    audit_record,
    execute,
    fetch,
    get_record,
    invalid,
    now,
    require_permission,
    setting,
    unit_of_work,
)

SLUG = "retail"
COUNTED = ("paid", "fulfilled")
TIERS = ("bronze", "silver", "gold")
MAX_REDEEM = 10_000_000
REASON_LENGTH = 200

SETTINGS = [
    Setting("points_per_unit", "Points earned per unit of currency spent", default=1, kind="number",
            help="An order of 42.90 earns 42 points at 1 point per unit."),
    Setting("min_order_total", "Smallest order total that earns points", default=0, kind="number"),
    Setting("first_order_bonus", "Bonus points for a customer's first order", default=0, kind="number"),
    Setting("silver_points", "Points earned in all to reach Silver", default=500, kind="number"),
    Setting("gold_points", "Points earned in all to reach Gold", default=2000, kind="number"),
    Setting("bronze_benefits", "Bronze benefits", default="Points on every order"),
    Setting("silver_benefits", "Silver benefits", default="Free shipping"),
    Setting("gold_benefits", "Gold benefits", default="Free shipping and early access to sales"),
    Setting("currency", "Currency of lifetime value and RFM monetary scores", default="EUR",
            help="Orders in other currencies count for recency and frequency only."),
]


@dataclass(frozen=True)
class Standing:
    """A contact's points and tier, as the contact page shows them."""

    balance: int
    earned: int
    tier: str
    benefits: str
    next_tier: str | None
    points_to_next: int | None


async def points_for(total: Decimal, first: bool) -> int:
    """The points an order of ``total`` earns under the instance's rules."""
    if total < Decimal(str(await setting(SLUG, "min_order_total"))):
        return 0
    rate = Decimal(str(await setting(SLUG, "points_per_unit")))
    points = int((total * rate).to_integral_value(ROUND_FLOOR))
    if first:
        points += int(await setting(SLUG, "first_order_bonus"))
    return max(points, 0)


async def award_order(principal: Principal, order_id: int, order: dict[str, Any], first: bool) -> None:
    """Replace the points an order earned with what it earns now, inside the order's write."""
    await execute("DELETE FROM retail_points WHERE order_id = {}", order_id)
    if order["status"] not in COUNTED or order["contact"] is None:
        return
    earlier = await fetch(
        "SELECT id FROM retail_points WHERE contact = {} AND order_id IS NOT NULL LIMIT 1", order["contact"]
    )
    points = await points_for(Decimal(str(order["total"])), first=first and not earlier)
    if points:
        await execute(
            "INSERT INTO retail_points (contact, order_id, points, reason, actor, created_at) "
            "VALUES ({}, {}, {}, {}, {}, {})",
            order["contact"], order_id, points, f"Order {order['number']}"[:REASON_LENGTH], principal.id,
            order["ordered_at"],
        )


async def thresholds() -> list[tuple[str, int, str]]:
    """``(tier, points earned to reach it, benefits)``, lowest first."""
    silver, gold = int(await setting(SLUG, "silver_points")), int(await setting(SLUG, "gold_points"))
    tiers = []
    for name, points in (("bronze", 0), ("silver", silver), ("gold", gold)):
        tiers.append((name, points, str(await setting(SLUG, f"{name}_benefits"))))
    return sorted(tiers, key=lambda tier: tier[1])


async def standing(contact_id: int) -> Standing:
    rows = await fetch(
        "SELECT COALESCE(SUM(points), 0) AS balance, COALESCE(SUM(CASE WHEN points > 0 THEN points ELSE 0 END), 0) "
        "AS earned FROM retail_points WHERE contact = {}", contact_id,
    )
    balance, earned = int(rows[0]["balance"]), int(rows[0]["earned"])
    tiers = await thresholds()
    reached = [tier for tier in tiers if earned >= tier[1]] or tiers[:1]
    tier, _, benefits = reached[-1]
    higher = [tier for tier in tiers if tier[1] > earned]
    return Standing(balance, earned, tier, benefits, higher[0][0] if higher else None,
                    higher[0][1] - earned if higher else None)


async def history(contact_id: int, limit: int = 20) -> list[dict[str, Any]]:
    """The newest movements of a contact's points."""
    return await fetch(
        "SELECT id, points, reason, order_id, actor, created_at FROM retail_points WHERE contact = {} "
        f"ORDER BY created_at DESC, id DESC LIMIT {int(limit)}", contact_id,
    )


async def redeem(principal: Principal, contact_id: int, points: Any, reason: str) -> Standing:
    """Take ``points`` off the contact's balance; refused with 422 naming ``points`` when the
    balance would go below zero. Two redemptions at once cannot both spend the same points:
    the first locks the contact's rows (SQLite has one writer anyway), and the second's
    conditional insert then counts the first's."""
    await require_permission(principal, f"{SLUG}.redeem")
    await get_record(principal, "contact", contact_id, "write")
    if isinstance(points, bool) or not isinstance(points, int) or not 1 <= points <= MAX_REDEEM:
        raise invalid("points", f"must be a whole number from 1 to {MAX_REDEEM}, not {points!r}")
    reason = " ".join(str(reason or "").split())[:REASON_LENGTH] or "Redeemed"
    async with unit_of_work():
        await execute("UPDATE retail_points SET points = points WHERE contact = {}", contact_id)
        inserted = await execute(
            "INSERT INTO retail_points (contact, order_id, points, reason, actor, created_at) "
            "SELECT {}, NULL, {}, {}, {}, {} WHERE "
            "(SELECT COALESCE(SUM(points), 0) FROM retail_points WHERE contact = {}) >= {} RETURNING id",
            contact_id, -points, reason, principal.id, now(), contact_id, points,
        )
        if not inserted:
            current = await standing(contact_id)
            raise invalid("points", f"the balance is {current.balance} points; {points} cannot be redeemed")
        await audit_record(principal.id, "contact", contact_id, "redeem",
                           {"retail_points": {"from": None, "to": -points}, "reason": {"from": None, "to": reason}})
    return await standing(contact_id)
