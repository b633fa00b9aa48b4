"""The plugin's Piccolo app: two tables, created by a raw migration after the core's."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

APP_CONFIG = AppConfig(
    app_name="jobprobe",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[],
    migration_dependencies=["crm_platform.piccolo_app"],
)
