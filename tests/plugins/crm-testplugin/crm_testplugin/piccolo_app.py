"""The plugin's Piccolo app: its tables and migrations, which run after the core's."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from crm_testplugin.tables import ProbeNote

APP_CONFIG = AppConfig(
    app_name="probe",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[ProbeNote],
    migration_dependencies=["crm_platform.piccolo_app"],
)
