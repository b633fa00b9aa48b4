"""Lead score rules whose points fade: a rule's half-life, and which scores hold fading points."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean, Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T23:31:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Lead score rules may fade with a half-life"

async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="automation", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="ScoreRule",
        tablename="automation_score_rule",
        column_name="half_life_days",
        db_column_name="half_life_days",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Score",
        tablename="automation_score",
        column_name="decaying",
        db_column_name="decaying",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
