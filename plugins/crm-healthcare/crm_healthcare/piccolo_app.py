"""The plugin's Piccolo app: its tables and migrations, which run after the core's."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from crm_healthcare.tables import Appointment, Note, ReadLog

APP_CONFIG = AppConfig(
    app_name="healthcare",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Note, Appointment, ReadLog],
    migration_dependencies=["crm_platform.piccolo_app"],
)
