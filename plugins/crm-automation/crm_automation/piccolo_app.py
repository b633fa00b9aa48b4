"""The automation plugin's Piccolo app; its migrations run after the core's."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from crm_automation.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="automation",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(TABLES),
    migration_dependencies=["crm_platform.piccolo_app"],
)
