"""The sales plugin's Piccolo app; its migrations run after the core's."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from crm_sales.tables import Deal, DealContact, ForecastCell, Pipeline, Stage, StageChange

APP_CONFIG = AppConfig(
    app_name="sales",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Pipeline, Stage, Deal, DealContact, StageChange, ForecastCell],
    migration_dependencies=["crm_platform.piccolo_app"],
)
