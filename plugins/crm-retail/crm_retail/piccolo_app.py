"""The plugin's Piccolo app: its tables and migrations, which run after the core's."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from crm_retail.tables import Order, PointsEntry, RfmScore

APP_CONFIG = AppConfig(
    app_name="retail",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Order, PointsEntry, RfmScore],
    migration_dependencies=["crm_platform.piccolo_app"],
)
