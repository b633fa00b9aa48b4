"""The plugin's Piccolo app: its tables and migrations, which run after the core's."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from crm_realestate.tables import DealLink, Offer, Property, Wish

APP_CONFIG = AppConfig(
    app_name="realestate",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Property, Offer, Wish, DealLink],
    migration_dependencies=["crm_platform.piccolo_app"],
)
