"""The tables realestate_property, realestate_offer, realestate_wish and realestate_deal_link. ``add_table`` runs
backwards too, which is what ``crm plugins remove realestate --purge`` needs to drop them."""

from decimal import Decimal

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSON, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

ID = "2026-12-01T14:55:59:133130"
VERSION = "1.38.0"
DESCRIPTION = "Properties, offers and buyers' wishes"


def _money(null: bool) -> dict:
    return {"digits": (14, 2), "default": None if null else Decimal(0), "null": null}


TABLES = {
    ("Property", "realestate_property"): [
        ("address", Varchar, {"length": 300, "default": "", "null": False}),
        ("area", Varchar, {"length": 100, "default": "", "null": False}),
        ("area_key", Varchar, {"length": 100, "default": "", "null": False}),
        ("type", Varchar, {"length": 20, "default": "house", "null": False}),
        ("bedrooms", Integer, {"default": None, "null": True}),
        ("bathrooms", Integer, {"default": None, "null": True}),
        ("area_m2", Numeric, {"digits": (12, 2), "default": None, "null": True}),
        ("price", Numeric, _money(True)),
        ("currency", Varchar, {"length": 3, "default": "EUR", "null": False}),
        ("status", Varchar, {"length": 20, "default": "for_sale", "null": False}),
        ("agent", Integer, {"default": None, "null": True}),
        ("owner_contact_id", Integer, {"default": None, "null": True, "index": True}),
        ("photos", JSON, {"default": "[]", "null": False}),
        ("description", Text, {"default": "", "null": False}),
        ("tags", JSON, {"default": "[]", "null": False}),
        ("custom", JSON, {"default": "{}", "null": False}),
        ("created_at", Timestamptz, {"default": TimestamptzNow(), "null": False}),
        ("updated_at", Timestamptz, {"default": TimestamptzNow(), "null": False}),
    ],
    ("Offer", "realestate_offer"): [
        ("property_id", Integer, {"default": 0, "null": False, "index": True}),
        ("buyer_contact_id", Integer, {"default": None, "null": True, "index": True}),
        ("amount", Numeric, _money(False)),
        ("currency", Varchar, {"length": 3, "default": "EUR", "null": False}),
        ("conditions", Text, {"default": "", "null": False}),
        ("status", Varchar, {"length": 20, "default": "made", "null": False}),
        ("owner", Integer, {"default": None, "null": True, "index": True}),
        ("tags", JSON, {"default": "[]", "null": False}),
        ("custom", JSON, {"default": "{}", "null": False}),
        ("created_at", Timestamptz, {"default": TimestamptzNow(), "null": False}),
        ("updated_at", Timestamptz, {"default": TimestamptzNow(), "null": False}),
    ],
    ("Wish", "realestate_wish"): [
        ("contact_id", Integer, {"default": 0, "null": False}),
        ("owner", Integer, {"default": None, "null": True}),
        ("seeks", Varchar, {"length": 10, "default": "", "null": False}),
        ("area_key", Varchar, {"length": 100, "default": "", "null": False}),
        ("type", Varchar, {"length": 20, "default": "", "null": False}),
        ("budget_min", Numeric, _money(False)),
        ("budget_max", Numeric, _money(False)),
    ],
    ("DealLink", "realestate_deal_link"): [
        ("property_id", Integer, {"default": 0, "null": False, "index": True}),
        ("deal_id", Integer, {"default": 0, "null": False, "index": True}),
        ("created_at", Timestamptz, {"default": TimestamptzNow(), "null": False}),
    ],
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="realestate", description=DESCRIPTION)
    for (class_name, tablename), columns in TABLES.items():
        manager.add_table(class_name=class_name, tablename=tablename)
        for name, column_class, params in columns:
            manager.add_column(
                table_class_name=class_name, tablename=tablename, column_name=name, db_column_name=name,
                column_class_name=column_class.__name__, column_class=column_class, params=params,
            )
    return manager
